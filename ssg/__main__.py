"""`python -m ssg`: the same as the `ssg` command."""

from ssg.cli import main

raise SystemExit(main())
