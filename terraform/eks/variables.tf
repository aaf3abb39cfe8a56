variable "payments_version" {
  type        = string
  description = "EKS minor version of the payments cluster (kubedrift proposes bumps)"
  default     = "1.29"
}
