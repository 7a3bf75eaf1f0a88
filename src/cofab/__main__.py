"""``python -m cofab`` is the same as the ``cofab`` command."""

from cofab.cli import main

main()
