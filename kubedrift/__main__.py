"""`python -m kubedrift` runs the CLI."""

from kubedrift.cli import main

raise SystemExit(main())
