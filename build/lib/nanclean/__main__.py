"""``python -m nanclean``: the command line (see :mod:`nanclean.cli`)."""

from nanclean.cli import main

main()
