"""`python -m peer_lsp` runs the `peer` command line."""

from peer_lsp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
