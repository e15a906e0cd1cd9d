"""`python -m newsdesk.demo [port]`: serve the sample news world on loopback until Ctrl-C."""

from newsdesk.demo.server import main

main()
