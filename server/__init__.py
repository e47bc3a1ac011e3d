"""kubeplay: a visual Kubernetes playground backed by a simulated v1.32 cluster."""
