variable "region" {
  type    = string
  default = "cn-hangzhou"
}

# The control plane version of the production ACK cluster. Overridden per environment in
# *.tfvars; kubedrift edits the tfvars value when one is set.
variable "k8s_version" {
  type        = string
  description = "Kubernetes version of the managed control plane"
  default     = "1.28.9-aliyun.1"
}

variable "vswitch_ids" {
  type    = list(string)
  default = ["vsw-bp1a2b3c4d5e6f7g8h9", "vsw-bp1z9y8x7w6v5u4t3s2"]
}
