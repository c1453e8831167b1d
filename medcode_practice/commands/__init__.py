"""Sub-commands of the ``medcode`` CLI, one module a topic; each exposes ``register(subparsers)``."""
