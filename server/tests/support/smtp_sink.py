"""A real SMTP server for the tests (Debian's python3-aiosmtpd): it takes
each message and writes it, with its envelope, into a directory, where the
tests read it. Recipients at the domain `refused.example` are refused
for good (550), as a mail server refuses an unknown mailbox.

    /usr/bin/python3 smtp_sink.py PORT DIRECTORY
"""

import asyncio
import json
import os
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@refused.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.directory, f"{os.getpid()}-{self.count:06d}")
        with open(name + ".tmp", "w") as out:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "data": envelope.original_content.decode("utf-8", "replace"),
                },
                out,
            )
        # Whole or not at all: the tests never read half a message.
        os.rename(name + ".tmp", name + ".json")
        return "250 Message accepted"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Keep(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
