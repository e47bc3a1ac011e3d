"""The shells a user types into: the workstation's (``host``) and the ones inside containers (``pod``).

Owns: parsing a shell line (words, pipes, ``;``/``&&``/``||``), the small set of programs each
shell knows (busybox applets, curl, kubectl on the workstation), their output in the real tools'
words (``fmt``), and interactive sessions (``session``) that ``kubectl run -it`` / ``kubectl exec
-it`` open. Nothing here knows about HTTP: the sandbox keeps a ``Sessions`` per cluster and the web
layer only passes lines through.

Hands off: requests to ``server.sim.net`` (dns, proxy, apps) so they reach the simulated pods, show
up in their logs and in the traffic log; kubectl lines to ``server.kubectl``.
"""
