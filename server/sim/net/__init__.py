"""Cluster networking: service IP/port allocation, endpoints, kube-proxy routing, DNS, apps and traffic."""
