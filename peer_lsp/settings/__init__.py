"""Settings: raw options from the editor and from files, resolved into one typed `Settings`.

Sources, lowest priority first: the defaults (`model`), the project file (``.peer.toml``, or
``[tool.peer]`` in ``pyproject.toml``: `files`), then the editor (initializationOptions,
refreshed from workspace/configuration). Keys are camelCase as editors send them; files may
also use snake_case. A bad key or value never stops anything: it is reported as a `Problem`
naming the key and what is accepted, and its default stays in force (`options`).
"""
