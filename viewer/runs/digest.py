"""Content digests of parsed JSON values, cheap enough to take on every read.

`marshal` (format 2: no back-references, so equal content always gives equal bytes) writes
a parsed JSON value several times faster than `json.dumps`, and its encoding names each
value's type and length, so different content never gives the same bytes.
"""

from __future__ import annotations

import hashlib
import marshal

MARSHAL_VERSION = 2  # the last format without references: bytes depend on content alone


def content_digest(value: object) -> tuple[str, int] | None:
    """A hex digest naming the value's content (dict order included) and the size of its
    encoding (close to its JSON's), or None when the value is not plain parsed JSON (or
    nests too deep to write)."""
    try:
        data = marshal.dumps(value, MARSHAL_VERSION)
    except ValueError:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)
