"""helm v3 on the workstation: charts (an offline repository shipped in ``charts/``), rendering
(Go text/template plus sprig), releases stored as helm stores them, and the CLI's words.

Modules: ``cli`` (the ``helm`` program), ``repo`` (repositories and the shipped charts),
``chart`` (loading and values), ``render`` (the engine), ``sprig`` (the template functions),
``storage`` (release Secrets), ``kube`` (creating and deleting a release's objects).
"""
