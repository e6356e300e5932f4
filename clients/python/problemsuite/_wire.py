"""The oracle protocol's wire format (docs/oracle-protocol.md, version 1).

Every message is a 16-byte little-endian header -- magic b"PSOR", kind (u8), code (u8),
problem index (u16), payload length (u64) -- followed by the payload. Vectors are raw
little-endian float64.
"""
import struct

import numpy as np

VERSION = 1
NAME = "problemsuite-oracle"
MAGIC = b"PSOR"
HEADER = struct.Struct("<4sBBHQ")

# Client -> server.
VALUE_REQUEST = 0x01
GRADIENT_REQUEST = 0x02
VALUE_GRADIENT_REQUEST = 0x03
START_REQUEST = 0x04
SOLUTION_REQUEST = 0x05
DATA_REQUEST = 0x06
CLIENT_HELLO = 0x08
END = 0x0E
CLOSE = 0x0F
# Server -> client.
HELLO = 0x41
TASK = 0x42
SHUTDOWN = 0x43
VECTOR = 0x44
VALUE = 0x51
GRADIENT = 0x52
VALUE_GRADIENT = 0x53
ERROR = 0x7F

ERROR_REQUEST = 1
ERROR_FATAL = 2

STOP_REASONS = {1: "gradient-tolerance", 2: "iteration-limit", 3: "zero-oracle-direction", 4: "non-finite"}
STOP_CODES = {v: k for k, v in STOP_REASONS.items()}

#: Largest payload this client accepts from a server (the server's own limits are smaller).
MAX_PAYLOAD = 1 << 34


class ProtocolError(RuntimeError):
    """The peer broke the protocol, closed the channel, or reported an error."""


class RequestRefused(ProtocolError):
    """The server refused one request (wrong length, non-finite x); the connection goes on."""


class Channel:
    """Binary messages over two raw file objects (unbuffered reads are avoided: reads
    use readinto on a buffered reader)."""

    def __init__(self, reader, writer, peer="server"):
        self.reader = reader
        self.writer = writer
        self.peer = peer

    def send(self, kind, payload=b"", code=0, problem=0):
        if isinstance(payload, np.ndarray):
            payload = memoryview(np.ascontiguousarray(payload, dtype="<f8")).cast("B")
        n = len(payload)
        self.writer.write(HEADER.pack(MAGIC, kind, code, problem, n))
        if n:
            self.writer.write(payload)
        self.writer.flush()

    def _read_exactly(self, n, what):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            r = self.reader.readinto(view[got:])
            if not r:
                raise ProtocolError(f"the {self.peer} closed the channel in the middle of {what} ({got} of {n} bytes)")
            got += r
        return buf

    def receive(self, what="a message", end_allowed=False):
        """(kind, code, problem, payload bytes); None at a clean end when end_allowed."""
        first = self.reader.read(1)
        if not first:
            if end_allowed:
                return None
            raise ProtocolError(f"the {self.peer} closed the channel while {what} was expected")
        head = first + bytes(self._read_exactly(HEADER.size - 1, what))
        magic, kind, code, problem, length = HEADER.unpack(head)
        if magic != MAGIC:
            raise ProtocolError(f"not a protocol message from the {self.peer}: header bytes {head.hex(' ')}")
        if length > MAX_PAYLOAD:
            raise ProtocolError(f"a message of {length} bytes from the {self.peer}: above {MAX_PAYLOAD}")
        payload = self._read_exactly(length, what) if length else bytearray()
        if kind == ERROR:
            text = payload.decode("utf-8", "replace")
            if code == ERROR_REQUEST:
                raise RequestRefused(text)
            raise ProtocolError(f"the {self.peer} reported: {text}")
        return kind, code, problem, payload


def as_vector(x, n, name="x"):
    """x as a contiguous little-endian float64 array of n entries (checked here, so that
    a wrong length is caught before it is sent)."""
    a = np.ascontiguousarray(x, dtype="<f8")
    if a.ndim != 1 or a.shape[0] != n:
        raise ValueError(f"{name} has shape {a.shape}, expected ({n},)")
    return a


def vector(payload):
    """A payload as a float64 array (the payload's own fresh buffer, writable, no copy)."""
    return np.frombuffer(payload, dtype="<f8")
