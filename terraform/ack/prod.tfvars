# Production values: reviewed by the platform team.
region      = "cn-hangzhou"
k8s_version = "1.29.3-aliyun.1" # kubedrift: managed
