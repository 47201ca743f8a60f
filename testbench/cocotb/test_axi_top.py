"""Bus-level test of the exported AXI4 top (`[interface] bus = "axi4"`) with independent models.

cocotbext-axi drives every port: an ``AxiMaster`` on ``s_axi`` (random INCR, FIXED and WRAP bursts,
sizes of 1 to 16 bytes, unaligned starts, IDs, the ASID and C-bit on ``awuser``/``aruser``, pauses
on every channel), an ``AxiRam`` on ``m_axi`` (pauses on every channel) and an ``AxiLiteMaster``
on ``s_axil``. The expected read data and the DRAM image come from ``xts_reference`` (OpenSSL
through Python ``cryptography``), never from the project's own model.

Traffic: workers run at once, each in its own 4 KiB region with its own ASID and sequential
operations, so every expected value is exact while beats of different workers interleave in the
engine; an extra worker sends only accesses the engine must refuse (an ASID without a key with the
C-bit set, an ASID out of range). Then keys change (a new key, a cleared key), the workers run
again, other ASIDs read every region (isolation), and the whole DRAM image is compared.

Settings come from the environment: ``MEE_AXI_CONFIG`` (JSON: num_asids, asid_bits, addr_bits,
key_bits, data_unit_bytes, id_bits, beats) and ``MEE_SEED``. The test prints ``beats checked: N``.
"""

import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import (AxiBurstType, AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster, AxiRam,
                           AxiResp)

from xts_reference import BlockXts, check_vectors

CONFIG = json.loads(os.environ.get("MEE_AXI_CONFIG", "{}"))
SEED = int(os.environ.get("MEE_SEED", "1"))
REGION = 0x1000
WORKERS = 4
OK, SLVERR = AxiResp.OKAY, AxiResp.SLVERR


def pauses(rng, probability):
    """An endless pause pattern: runs of busy cycles with the given share."""
    while True:
        yield rng.random() < probability


class Model:
    """The DRAM image the engine must leave, and the plaintext each access must see."""

    def __init__(self, du, num_asids):
        self.du = du
        self.num_asids = num_asids
        self.dram = {}  # block address -> 16 bytes as stored in DRAM
        self.keys = {}  # asid -> BlockXts

    def stored(self, block):
        return self.dram.get(block, bytes(16))

    def refused(self, asid, encrypted):
        return asid >= self.num_asids or (encrypted and asid not in self.keys)

    def view(self, block, asid, encrypted):
        raw = self.stored(block)
        return self.keys[asid].decrypt(raw, block) if encrypted else raw

    def write_bytes(self, asid, encrypted, writes):
        """Applies (address, byte) pairs in order, one read-modify-write per block."""
        touched = {}
        for address, value in writes:
            block = address & ~15
            if block not in touched:
                touched[block] = bytearray(self.view(block, asid, encrypted))
            touched[block][address & 15] = value
        for block, plain in touched.items():
            self.dram[block] = self.keys[asid].encrypt(bytes(plain), block) if encrypted else bytes(plain)

    def read_bytes(self, asid, encrypted, addresses):
        views = {}
        out = bytearray()
        for address in addresses:
            block = address & ~15
            if block not in views:
                views[block] = self.view(block, asid, encrypted)
            out.append(views[block][address & 15])
        return bytes(out)


def beat_addresses(start, size, beats, burst):
    """The byte addresses each beat of a FIXED or WRAP burst carries, in order (AXI4 rules; WRAP
    windows of >= 16 bytes). An INCR burst carries its bytes in address order."""
    step = 1 << size
    if burst == AxiBurstType.FIXED:
        return [list(range(start, start + step)) for _ in range(beats)]
    window = step * beats
    base = start & ~(window - 1)
    lows = (base + (start - base + k * step) % window for k in range(beats))
    return [list(range(low, low + step)) for low in lows]


class Bench:
    def __init__(self, dut):
        self.dut = dut
        self.rng = random.Random(SEED)
        self.cfg = CONFIG
        self.key_bytes = self.cfg["key_bits"] // 8
        self.model = Model(self.cfg["data_unit_bytes"], self.cfg["num_asids"])
        self.beats = 0
        self.slverr_beats = 0
        self.undefined = set()
        self.axi = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.aclk, dut.aresetn, reset_active_level=False)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.aclk, dut.aresetn, reset_active_level=False,
                          size=1 << 16)
        self.lite = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.aclk, dut.aresetn,
                                  reset_active_level=False)
        prng = random.Random(SEED + 1)
        for channel, share in [
            (self.axi.write_if.aw_channel, 0.2), (self.axi.write_if.w_channel, 0.2),
            (self.axi.write_if.b_channel, 0.3), (self.axi.read_if.ar_channel, 0.2),
            (self.axi.read_if.r_channel, 0.3), (self.ram.write_if.aw_channel, 0.2),
            (self.ram.write_if.w_channel, 0.2), (self.ram.write_if.b_channel, 0.3),
            (self.ram.read_if.ar_channel, 0.2), (self.ram.read_if.r_channel, 0.3),
        ]:
            channel.set_pause_generator(pauses(random.Random(prng.random()), share))
        self.inject_dram_faults()

    def without_pauses(self):
        for interface in (self.axi.write_if, self.axi.read_if, self.ram.write_if, self.ram.read_if):
            for name in ("aw_channel", "w_channel", "b_channel", "ar_channel", "r_channel"):
                channel = getattr(interface, name, None)
                if channel is not None:
                    channel.set_pause_generator(None)
                    channel.pause = False  # clearing the generator keeps its last value

    async def count_cycles(self):
        self.cycle = 0
        while True:
            await RisingEdge(self.dut.aclk)
            self.cycle += 1

    async def timed(self, coroutine):
        start = self.cycle
        await coroutine
        return self.cycle - start

    async def rates(self, asid):
        """Cycles of single accesses and of long bursts with no pause on any channel; the
        data is checked as everywhere else."""
        self.without_pauses()
        base = REGION
        one_read = await self.timed(self.read(asid, True, base, 4, 1, AxiBurstType.INCR, 16, 0))
        one_write = await self.timed(self.write(asid, True, base, 4, 1, AxiBurstType.INCR, 16, 0))
        reads = await self.timed(self.read(asid, True, base, 4, 256, AxiBurstType.INCR, 4096, 0))
        writes = await self.timed(self.write(asid, True, base, 4, 256, AxiBurstType.INCR, 4096, 0))
        start = self.cycle
        reading = cocotb.start_soon(self.read(asid, True, base, 4, 256, AxiBurstType.INCR, 4096, 1))
        writing = cocotb.start_soon(self.write(asid, True, base + REGION, 4, 256, AxiBurstType.INCR, 4096, 2))
        await reading
        await writing
        both = self.cycle - start
        for line in (f"rate: one-beat read {one_read} cycles, one-beat write {one_write} cycles (request to response, AxiRam DRAM)",
                     f"rate: 256-beat read burst {256 / reads:.2f} beats/cycle, 256-beat write burst {256 / writes:.2f} beats/cycle, "
                     f"both at once {512 / both:.2f} beats/cycle"):
            print(line)

    def inject_dram_faults(self):
        """Makes the DRAM model answer accesses to the blocks in ``self.faulty`` with SLVERR."""
        self.faulty = set()
        read, write = self.ram.read_if._read, self.ram.write_if._write

        async def faulty_read(address, length):
            if address & ~15 in self.faulty:
                raise OSError("injected DRAM read error")
            return await read(address, length)

        async def faulty_write(address, data):
            if address & ~15 in self.faulty:
                raise OSError("injected DRAM write error")
            return await write(address, data)

        self.ram.read_if._read = faulty_read
        self.ram.write_if._write = faulty_write

    async def dram_errors(self, asid):
        """DRAM error responses reach the core as SLVERR, for the access that met them."""
        block = REGION * (WORKERS + 1) + 0x800
        await self.write(asid, True, block - 16, 4, 3, AxiBurstType.INCR, 48, 0)
        await ClockCycles(self.dut.aclk, 200)  # the posted writes reach DRAM
        before = (await self.reg_read(0x0C))[0]
        self.faulty.add(block)
        # A read of the faulty block alone, and one beat of three: SLVERR, zero data for it.
        resp = await self.axi.read(block, 16, arid=0, size=4, user=self.user(asid, True))
        assert (resp.resp, bytes(resp.data)) == (SLVERR, bytes(16)), "a DRAM read error is a SLVERR beat"
        resp = await self.axi.read(block - 16, 48, arid=1, size=4, user=self.user(asid, True))
        expected = self.model.read_bytes(asid, True, range(block - 16, block)) + bytes(16) \
            + self.model.read_bytes(asid, True, range(block + 16, block + 32))
        assert (resp.resp, bytes(resp.data)) == (SLVERR, expected), "only the faulty beat is zero"
        resp = await self.axi.read(block, 16, arid=2, size=4, user=self.user(asid, False))
        assert resp.resp == SLVERR, "a plaintext access meets the DRAM error too"
        # A partial write reads its block first: the burst answers SLVERR (the block's content is
        # undefined afterwards), and the merged write's own DRAM error is counted.
        resp = await self.axi.write(block + 4, b"\x01\x02\x03\x04", awid=3, size=2, user=self.user(asid, True))
        assert resp.resp == SLVERR, "a partial write whose read met a DRAM error"
        self.model.dram.pop(block, None)
        self.undefined.add(block)
        await ClockCycles(self.dut.aclk, 200)
        errors = ((await self.reg_read(0x0C))[0] - before) & 0xFFFF
        assert errors == 5, f"DRAM_ERRORS counted {errors} errors, expected 4 reads and 1 write"
        self.faulty.clear()
        self.beats += 6
        self.slverr_beats += 6

    def user(self, asid, encrypted):
        return (asid << 1) | int(encrypted)

    # -- key port -------------------------------------------------------------------------------
    async def reg_write(self, offset, value):
        resp = await self.lite.write(offset, value.to_bytes(4, "little"))
        return resp.resp

    async def reg_read(self, offset):
        resp = await self.lite.read(offset, 4)
        return int.from_bytes(resp.data, "little"), resp.resp

    async def status(self):
        value, resp = await self.reg_read(0x08)
        assert resp == OK
        return value

    async def wait_idle(self):
        for _ in range(10_000):
            value = await self.status()
            if not value & 1:
                return value
        raise AssertionError("key command never completed")

    async def command(self, asid, op, key1=b"", key2=b""):
        """Runs set_key (op 1) or clear_key (op 2); returns the command's status."""
        for w in range(len(key1) // 4):
            assert await self.reg_write(0x20 + 4 * w, int.from_bytes(key1[4 * w:4 * w + 4], "little")) == OK
            assert await self.reg_write(0x40 + 4 * w, int.from_bytes(key2[4 * w:4 * w + 4], "little")) == OK
        assert await self.reg_write(0x04, asid) == OK
        before = (await self.status()) >> 16
        assert await self.reg_write(0x00, op) == OK
        after = await self.wait_idle()
        assert (after >> 16) == (before + 1) & 0xFFFF, "STATUS counts each completed command"
        return (after >> 1) & 3

    async def set_key(self, asid, key1, key2):
        status = await self.command(asid, 1, key1, key2)
        if asid >= self.cfg["num_asids"]:
            assert status == 1, "set_key on an ASID out of range"
        elif key1 == key2:
            assert status == 2, "set_key with key1 equal to key2"
        else:
            assert status == 0
            self.model.keys[asid] = BlockXts(key1, key2, self.model.du)
        return status

    async def clear_key(self, asid):
        status = await self.command(asid, 2)
        assert status == (1 if asid >= self.cfg["num_asids"] else 0)
        self.model.keys.pop(asid, None)

    def new_keys(self):
        while True:
            k1, k2 = self.rng.randbytes(self.key_bytes), self.rng.randbytes(self.key_bytes)
            if k1 != k2:
                return k1, k2

    async def key_port_rules(self):
        # Keys are write-only: the key registers read as zero, before and after a command.
        for w in range(8):
            assert await self.reg_write(0x20 + 4 * w, 0xA5A5A5A5) == OK
        for offset in [0x20 + 4 * w for w in range(8)] + [0x40 + 4 * w for w in range(8)] + [0x00]:
            value, resp = await self.reg_read(offset)
            assert (value, resp) == (0, OK), f"register 0x{offset:02x} reads {value:#x}"
        # Bad command values, read-only and unmapped offsets answer SLVERR.
        assert await self.reg_write(0x00, 3) == SLVERR
        assert await self.reg_write(0x08, 1) == SLVERR
        assert await self.reg_write(0x10, 1) == SLVERR
        assert (await self.reg_read(0x80))[1] == SLVERR
        assert await self.reg_write(0x04, 2) == OK
        assert (await self.reg_read(0x04)) == (2, OK)
        # Weak keys and ASIDs out of range are refused by the engine, and reported in STATUS.
        k = self.rng.randbytes(self.key_bytes)
        await self.set_key(1, k, k)
        await self.set_key(self.cfg["num_asids"], *self.new_keys())
        # A command written while one is in progress answers SLVERR and is not run.
        k1, k2 = self.new_keys()
        for w in range(self.key_bytes // 4):
            await self.reg_write(0x20 + 4 * w, int.from_bytes(k1[4 * w:4 * w + 4], "little"))
            await self.reg_write(0x40 + 4 * w, int.from_bytes(k2[4 * w:4 * w + 4], "little"))
        await self.reg_write(0x04, 1)
        before = (await self.status()) >> 16
        assert await self.reg_write(0x00, 1) == OK
        second = await self.reg_write(0x00, 2)
        after = await self.wait_idle()
        completed = ((after >> 16) - before) & 0xFFFF
        assert (second, completed) in [(SLVERR, 1), (OK, 2)], (second, completed)
        self.busy_refused = second == SLVERR
        if completed == 1:
            self.model.keys[1] = BlockXts(k1, k2, self.model.du)
        else:
            self.model.keys.pop(1, None)
        # The key registers were zeroed when the command was taken.
        for offset in (0x20, 0x40):
            assert (await self.reg_read(offset)) == (0, OK)

    # -- core traffic -----------------------------------------------------------------------------
    def random_burst(self, base, limit):
        """A random (start, size, beats, burst type) inside [base, base + limit)."""
        kind = self.rng.choices([AxiBurstType.INCR, AxiBurstType.FIXED, AxiBurstType.WRAP], [6, 1, 2])[0]
        if kind == AxiBurstType.INCR:
            size = self.rng.choice([0, 1, 2, 3, 4, 4, 4])
            length = self.rng.randint(1, 96)
            start = base + self.rng.randrange(limit - length)
            step = 1 << size
            beats = (start + length - 1) // step - start // step + 1
            return start, size, beats, kind, length
        if kind == AxiBurstType.FIXED:
            # cocotbext-axi moves narrow FIXED beats across byte lanes; full-width beats only.
            beats = self.rng.randint(1, 4)
            start = base + 16 * self.rng.randrange(limit // 16)
            return start, 4, beats, kind, 16 * beats
        size = self.rng.choice([2, 3, 4])
        beats = self.rng.choice([n for n in (2, 4, 8, 16) if (n << size) >= 16])
        window = beats << size
        # cocotbext-axi splits bursts at 4 KiB as if they were INCR: keep start + window inside
        # the region, so a WRAP burst stays one burst.
        offset = self.rng.randrange(beats) << size
        start = base + self.rng.randrange(limit // window - (1 if offset else 0)) * window + offset
        return start, size, beats, kind, window

    async def write(self, asid, encrypted, start, size, beats, kind, length, rid):
        data = self.rng.randbytes(length)
        resp = await self.axi.write(start, data, awid=rid, burst=kind, size=size, user=self.user(asid, encrypted))
        refused = self.model.refused(asid, encrypted)
        assert resp.resp == (SLVERR if refused else OK), \
            f"write {start:#x}+{length} size {size} {kind.name} asid {asid} C={encrypted}: {resp.resp}"
        if not refused:
            if kind == AxiBurstType.INCR:
                pairs = list(zip(range(start, start + length), data))
            else:
                addresses = [a for beat in beat_addresses(start, size, beats, kind) for a in beat]
                pairs = list(zip(addresses, data))
            self.model.write_bytes(asid, encrypted, pairs)
        self.beats += beats
        self.slverr_beats += beats if refused else 0

    async def read(self, asid, encrypted, start, size, beats, kind, length, rid):
        resp = await self.axi.read(start, length, arid=rid, burst=kind, size=size, user=self.user(asid, encrypted))
        refused = self.model.refused(asid, encrypted)
        where = f"read {start:#x}+{length} size {size} {kind.name} asid {asid} C={encrypted}"
        assert resp.resp == (SLVERR if refused else OK), f"{where}: {resp.resp}"
        if refused:
            expected = bytes(length)
        elif kind == AxiBurstType.INCR:
            expected = self.model.read_bytes(asid, encrypted, range(start, start + length))
        else:
            addresses = [a for beat in beat_addresses(start, size, beats, kind) for a in beat]
            expected = self.model.read_bytes(asid, encrypted, addresses)
        assert bytes(resp.data) == expected, f"{where}: got {bytes(resp.data).hex()} expected {expected.hex()}"
        self.beats += beats
        self.slverr_beats += beats if refused else 0

    async def worker(self, index, asid, budget):
        base = REGION * (index + 1)
        ids = 1 << self.cfg["id_bits"]
        while self.beats < budget:
            op = self.read if self.rng.random() < 0.45 else self.write
            encrypted = self.rng.random() < 0.85
            await op(asid, encrypted, *self.random_burst(base, REGION), self.rng.randrange(ids))

    async def refused_worker(self, budget):
        base = REGION * (WORKERS + 1)
        ids = 1 << self.cfg["id_bits"]
        unkeyed = WORKERS + 1
        out_of_range = min(self.cfg["num_asids"] + self.rng.randrange(4), (1 << self.cfg["asid_bits"]) - 1)
        while self.beats < budget:
            op = self.read if self.rng.random() < 0.5 else self.write
            asid, encrypted = self.rng.choice([(unkeyed, True), (out_of_range, True), (out_of_range, False)])
            start, size, beats, kind, length = self.random_burst(base, REGION)
            await op(asid, encrypted, start, size, beats, kind, length, self.rng.randrange(ids))
            await ClockCycles(self.dut.aclk, 20)

    async def phase(self, budget):
        tasks = [cocotb.start_soon(self.worker(i, self.asid_of(i), budget)) for i in range(WORKERS)]
        tasks.append(cocotb.start_soon(self.refused_worker(budget)))
        for task in tasks:
            await task

    def asid_of(self, index):
        return 1 + index % (self.cfg["num_asids"] - 1) if self.cfg["num_asids"] > 1 else 0


@cocotb.test()
async def axi_top_matches_an_independent_xts(dut):
    assert check_vectors(os.environ["MEE_VECTORS"]) > 0, "the reference XTS passes the IEEE 1619 vectors"
    bench = Bench(dut)
    cocotb.start_soon(Clock(dut.aclk, 10, unit="ns").start())
    cocotb.start_soon(bench.count_cycles())
    dut.aresetn.value = 0
    await ClockCycles(dut.aclk, 8)
    dut.aresetn.value = 1
    await RisingEdge(dut.aclk)
    await bench.key_port_rules()
    for i in range(WORKERS):
        await bench.set_key(bench.asid_of(i), *bench.new_keys())
    total = CONFIG["beats"]
    await bench.phase(total // 2)
    # Key changes between the phases: a new key for one ASID, a cleared key for another (its
    # accesses are refused), then a new key for it.
    first, second = bench.asid_of(0), bench.asid_of(1)
    await bench.set_key(first, *bench.new_keys())
    await bench.clear_key(second)
    await bench.read(second, True, REGION * 2, 4, 4, AxiBurstType.INCR, 64, 0)
    await bench.write(second, True, REGION * 2, 4, 4, AxiBurstType.INCR, 64, 0)
    await bench.set_key(second, *bench.new_keys())
    await bench.phase(total)
    # Isolation: each region read through the next worker's ASID gives that key's decryption of
    # the ciphertext (as the model says), never the owner's plaintext.
    owners = [bench.asid_of(i) for i in range(WORKERS)]
    differing = 0
    for i, owner in enumerate(owners):
        other = owners[(i + 1) % WORKERS]
        if other == owner:
            continue
        base = REGION * (i + 1)
        for block in range(base, base + REGION, 256):
            await bench.read(other, True, block, 4, 16, AxiBurstType.INCR, 256, 0)
            for b in range(block, block + 256, 16):
                if b in bench.model.dram:
                    differing += bench.model.view(b, other, True) != bench.model.view(b, owner, True)
    assert differing > 0, "isolation reads saw written blocks"
    await bench.dram_errors(bench.asid_of(0))
    # The DRAM image: every block as the independent XTS says (ciphertext where C was set).
    await ClockCycles(dut.aclk, 500)
    for block in (b for b in range(0, REGION * (WORKERS + 2), 16) if b not in bench.undefined):
        got = bench.ram.read(block, 16)
        assert got == bench.model.stored(block), f"DRAM block {block:#x}: {got.hex()} != {bench.model.stored(block).hex()}"
    assert bench.slverr_beats > 0
    await bench.rates(bench.asid_of(2))
    # Writes are posted: give the last ones time to reach DRAM before looking at it directly.
    await ClockCycles(dut.aclk, 500)
    for block in (b for b in range(0, REGION * (WORKERS + 2), 16) if b not in bench.undefined):
        assert bench.ram.read(block, 16) == bench.model.stored(block), f"DRAM block {block:#x} after the rate runs"
    dut._log.info("beats checked: %d (SLVERR %d), command-while-busy refused: %s",
                  bench.beats, bench.slverr_beats, bench.busy_refused)
    print(f"beats checked: {bench.beats}")
