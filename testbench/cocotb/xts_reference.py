"""XTS-AES of one 16-byte block at a byte address, as DESIGN.md's "The cipher" defines it, computed
with OpenSSL through Python `cryptography`: the expected values of the AXI4 bus-level test, made
without the project's own model.

The data unit of a block at address ``a`` is ``i = a // du`` (the XTS tweak, 128-bit little-endian)
and its index in the unit is ``j = (a % du) // 16``. XTS without ciphertext stealing treats each
block of a data unit on its own, so a block is encrypted by running XTS over a whole data unit
that holds it at position ``j`` and taking position ``j`` back out.
"""

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class BlockXts:
    """XTS of single blocks for one key pair (key1 the data key, key2 the tweak key)."""

    def __init__(self, key1: bytes, key2: bytes, data_unit_bytes: int):
        if len(key1) != len(key2) or len(key1) not in (16, 32):
            raise ValueError("keys must be two 16-byte or two 32-byte keys")
        self.key = key1 + key2
        self.du = data_unit_bytes

    def _run(self, block: bytes, address: int, encrypt: bool) -> bytes:
        if address % 16 or len(block) != 16:
            raise ValueError("a block is 16 bytes at a 16-byte aligned address")
        unit, index = divmod(address, self.du)
        offset = (index // 16) * 16
        tweak = unit.to_bytes(16, "little")
        cipher = Cipher(algorithms.AES(self.key), modes.XTS(tweak))
        ctx = cipher.encryptor() if encrypt else cipher.decryptor()
        buffer = bytes(offset) + block + bytes(self.du - offset - 16)
        return (ctx.update(buffer) + ctx.finalize())[offset:offset + 16]

    def encrypt(self, plaintext: bytes, address: int) -> bytes:
        return self._run(plaintext, address, True)

    def decrypt(self, ciphertext: bytes, address: int) -> bytes:
        return self._run(ciphertext, address, False)


def check_vectors(vectors_toml: str) -> int:
    """Checks BlockXts against the IEEE 1619 vectors of whole 16-byte blocks in ``vectors_toml``
    (block by block, at the address of each block in its data unit); returns how many vectors
    it checked. Raises AssertionError on a mismatch."""
    import tomllib
    with open(vectors_toml, "rb") as f:
        table = tomllib.load(f)
    checked = 0
    for v in table["vector"]:
        key1, key2 = bytes.fromhex(v["key1"]), bytes.fromhex(v["key2"])
        du = v["data_unit_bytes"]
        if key1 == key2 or du % 16 or du & (du - 1):
            continue
        pt, ct = bytes.fromhex(v["plaintext"]), bytes.fromhex(v["ciphertext"])
        xts = BlockXts(key1, key2, du)
        base = int(v["dusn"], 16) * du
        for j in range(du // 16):
            block = slice(16 * j, 16 * j + 16)
            assert xts.encrypt(pt[block], base + 16 * j) == ct[block], f"{v['name']} block {j}"
            assert xts.decrypt(ct[block], base + 16 * j) == pt[block], f"{v['name']} block {j}"
        checked += 1
    return checked
