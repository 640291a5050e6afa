"""`python -m bench` (make bench): measure everything and print one table."""
import sys

from .report import main

sys.exit(main())
