"""The exit codes of every `peer` command, in one place.

0 and 2 mean the same everywhere; 1 is the command's "no": a finding at or above the fail-on
severity (`peer check`, `peer fix`), a provider that did not answer (`peer providers`), a cache
that could not be read or cleared (`peer cache`), settings out of step with the editors'
manifests (`python -m peer_lsp.commands.editor_schema`). 3 is `peer check`, `peer fix` and
`peer explain` saying that a configured model could not review every unit (unless
``--allow-unreviewed``): a failed review must not pass for a clean one.
"""

EXIT_OK = 0
"""Done, and nothing to fail on."""
EXIT_FINDINGS = 1
"""A finding at or above the fail-on severity."""
EXIT_FAILED = 1
"""The command did its work and the answer is no (a provider, the cache, a manifest)."""
EXIT_USAGE = 2
"""Bad arguments or settings, reported on stderr before any work; for `peer check`, also a
project rule or plugin that did not load (named before the run, the code given after the
report: docs/project-rules.md)."""
EXIT_NOT_REVIEWED = 3
"""A configured model could not review one or more units (a missing or refused key, a model
not found, a provider unreachable, an answer that is not one); stderr says which and why.
Wins over 1 and over ``--exit-zero``; ``--allow-unreviewed`` gives the exit code the
findings alone would give."""
EXIT_BROKEN_PIPE = 141
"""The reader of the output went away (``peer check | head``), as if killed by SIGPIPE."""
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C (SIGINT), as a shell reports a process killed by it."""
