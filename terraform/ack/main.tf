# Production ACK Pro cluster for the checkout services.
resource "alicloud_cs_managed_kubernetes" "prod" {
  name         = "ack-prod" # do not rename: dashboards key on it
  cluster_spec = "ack.pro.small"
  version      = var.k8s_version
  vswitch_ids  = var.vswitch_ids

  # Upgrades are proposed as pull requests by kubedrift, never applied automatically.
  maintenance_window {
    enable           = true
    maintenance_time = "03:00:00Z"
    duration         = "3h"
    weekly_period    = "Tuesday"
  }

  tags = {
    team = "checkout"
    env  = "prod"
  }
}

/* Worker pools: the kubelet follows the control plane one pool at a time. */
resource "alicloud_cs_kubernetes_node_pool" "general" {
  cluster_id         = alicloud_cs_managed_kubernetes.prod.id
  node_pool_name     = "np-general"
  vswitch_ids        = var.vswitch_ids
  instance_types     = ["ecs.g7.xlarge"]
  desired_size       = 3
  kubernetes_version = "1.28.9-aliyun.1"
}

resource "alicloud_cs_kubernetes_addon" "coredns" {
  cluster_id = alicloud_cs_managed_kubernetes.prod.id
  name       = "coredns"
  version    = "v1.9.3.10-7dfca203-aliyun" // pinned after the 2024 DNS incident
}
