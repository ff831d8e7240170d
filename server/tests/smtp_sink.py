"""A real SMTP server for the mail tests (aiosmtpd, Debian's python3-aiosmtpd).

Keeps every message it accepts as a numbered .eml file in DIR. Refuses the first REFUSE
messages with a temporary error (451), as a server that is down or busy would, and refuses any
recipient whose address starts with "bounce" for good (550). Prints "ready" once it listens and
runs until its standard input closes (the test that started it ended).

    python3 smtp_sink.py PORT DIR REFUSE
"""

import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.kept = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.kept += 1
        path = os.path.join(self.directory, "%06d.eml" % self.kept)
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(path + ".part", path)
        return "250 OK"


def main():
    port, directory, refuse = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    os.makedirs(directory, exist_ok=True)
    controller = Controller(Sink(directory, refuse), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
