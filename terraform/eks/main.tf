terraform {
  # Partial configuration: bucket, key and region are given to `terraform init`
  # (-backend-config), by the operator and by the enforcer's `plan.backend_config`.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

# The payments EKS cluster; its version is a module input fed by a variable.
module "payments" {
  source          = "./modules/cluster"
  name            = "payments"
  cluster_version = var.payments_version
  subnet_ids      = ["subnet-11111111", "subnet-22222222"]
}
