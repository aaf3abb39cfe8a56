# A small EKS cluster module: one cluster, its role passed in by name.
variable "name" {
  type = string
}

variable "cluster_version" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = var.cluster_version # set by the caller

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}
