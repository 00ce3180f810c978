import signal
import sys

from claimmap.cli import main

# Piping into `head` should end quietly, as other command-line tools do.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
