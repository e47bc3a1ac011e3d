"""The simulation core: a Kubernetes cluster on a virtual clock. Imports nothing from the web layer."""
