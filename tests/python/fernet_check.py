"""Bazarr+'s secret store, done the way Bazarr+ does it with Python's `cryptography`, so the
tests can check plex-auth's Fernet against it in both directions.

    fernet_check.py open MASTER VALUE   prints what an enc:v1: VALUE opens to
    fernet_check.py seal MASTER TEXT    prints TEXT sealed as enc:v1:
"""

import base64
import hashlib
import sys

from cryptography.fernet import Fernet

PREFIX = "enc:v1:"


def fernet(master):
    digest = hashlib.sha256(master.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def main(argv):
    action, master, value = argv[1:4]
    if action == "open":
        if not value.startswith(PREFIX):
            raise SystemExit("not an enc:v1: value")
        print(fernet(master).decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8"))
    elif action == "seal":
        print(PREFIX + fernet(master).encrypt(value.encode("utf-8")).decode("ascii"))
    else:
        raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    main(sys.argv)
