terraform {
  required_providers {
    tencentcloud = {
      source  = "tencentcloudstack/tencentcloud"
      version = ">= 1.81.0"
    }
  }
}

provider "tencentcloud" {
  region = "ap-shanghai"
}

locals {
  vpc_id = "vpc-2x8fq3ab"
}

# Orders platform cluster. Nodes follow the control plane on upgrade.
resource "tencentcloud_kubernetes_cluster" "orders" {
  vpc_id                           = local.vpc_id
  cluster_name                     = "orders"
  cluster_version                  = "1.28.3" # bumped by kubedrift PRs
  cluster_cidr                     = "172.16.0.0/16"
  cluster_max_pod_num              = 64
  cluster_deploy_type              = "MANAGED_CLUSTER"
  upgrade_instances_follow_cluster = true

  tags = {
    team = "orders"
  }
}

resource "tencentcloud_kubernetes_addon" "cbs" {
  cluster_id    = tencentcloud_kubernetes_cluster.orders.id
  addon_name    = "cbs"
  addon_version = "1.1.7" # CSI driver
}
