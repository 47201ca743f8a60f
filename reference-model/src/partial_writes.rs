//! The cycle-level model of the partial-write unit: the block in front of the engine's core
//! that turns a write with some strobes clear into a read-modify-write, so that the core only
//! ever sees whole-block requests.
//!
//! Each request from the core port becomes one of:
//! - **pass**: a read, or a write with all 16 strobes set, goes to the core as it is, in the
//!   same cycle (the unit adds no latency), and its response comes back as it is;
//! - **partial**: a write with some but not all strobes set goes to the core as a *read* of
//!   its block (same address, ASID and C-bit) and takes an *entry* (address, ASID, C-bit, data,
//!   strobes). That read's response answers the write: its status, `write` = 1, no data. With
//!   status ok, the entry's enabled bytes are merged into the read's plaintext at the edge
//!   after the answer's; the merged block then goes to the core as a whole-block write, ahead
//!   of new requests, and its response is dropped. A refused read leaves nothing to write:
//!   the entry is dropped (from the cycle after the one after its answer, as a merged write
//!   is offered);
//! - **local**: a write with no strobe set touches nothing. The unit answers it itself, in
//!   order: misaligned (3) before ASID out of range (2), else ok (a write that writes nothing
//!   needs no key).
//!
//! **Merging**: a partial write right after a partial write (nothing accepted between them) to
//! the same address, ASID and C-bit whose read is still in the core (or is answered in that
//! very cycle) joins that write's entry:
//! its enabled bytes replace the entry's, its strobes are added, and it is answered, in order,
//! with the first one's status (a *follow* item). So a 32-bit core's word stores filling a
//! block cost one read-modify-write per block, not one per word.
//!
//! Ordering: a request whose *hazard bucket* is an entry's waits until that entry's merged
//! write has gone to the core (the core keeps every later request to the block behind it), so
//! every later request sees the merged block and partial writes to one block apply in request
//! order. A block's bucket is the low bits of its block number (address bits 4 and up), for
//! [`hazard_buckets`] buckets: twice the entries, so blocks a multiple of `16 * buckets`
//! bytes apart (1 KiB for the default 32 entries) share one. Sharing a bucket only makes a request wait longer; and as a partial write to a held
//! bucket waits, no two entries ever hold the same bucket. Responses keep request order through the *order queue*, one item
//! per request in flight (pass, answer, drop, follow, or local with its status).
//!
//! A key command reaches the core only while no entry is held, so a read-modify-write uses one
//! key; and no request is accepted while a key command is offered (as in the core).
//!
//! In a cycle, with "held" meaning the oldest entry is merged (or refused):
//! - a merged head entry is offered to the core as a write (no new request this cycle); a
//!   refused one is dropped at the edge (no new request this cycle either);
//! - otherwise a request is accepted when no key command is offered, its bucket is no
//!   entry's, the order queue has room, a partial write has a free entry, and (pass and partial)
//!   the core is ready. `core_req_ready` does not depend on `core_req_valid`.

use crate::config::EngineConfig;
use crate::engine_model::{status, EngineInputs, EngineOutputs};
use std::collections::VecDeque;

/// What an item of the order queue does with its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    /// The core's response goes to the core port unchanged.
    Pass,
    /// The core's response to a partial write's read answers that write (status only) and
    /// fills the oldest waiting entry.
    Answer,
    /// The core's response to a merged write is dropped.
    Drop,
    /// The unit answers a write without strobes with this status.
    Local(u8),
    /// A partial write merged into the entry of the partial write just before it: answered
    /// with that one's status.
    Follow,
}

/// The state of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Its read is in the core.
    Waiting,
    /// Its read was answered at the last edge, with this status: merged (or refused) at the
    /// next one.
    Answered(u8),
    /// Merged: its write is the next to go to the core.
    Merged,
    /// Its read was refused: dropped when it is the oldest.
    Refused,
}

/// One partial write in flight.
#[derive(Clone, Debug)]
struct Entry {
    addr: u64,
    asid: u32,
    encrypted: bool,
    /// The write's bytes, then the merged block.
    data: [u8; 16],
    /// The read's plaintext, while the entry is answered.
    read: [u8; 16],
    strobes: u16,
    state: State,
}

/// How a request offered at the core port is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pass,
    Partial,
    Local,
}

/// The decisions of one cycle that come before the core's outputs.
#[derive(Clone, Debug)]
pub struct Plan {
    /// What the core sees this cycle.
    pub core_inputs: EngineInputs,
    /// The oldest entry's merged write is offered to the core.
    issue: bool,
    /// The oldest entry was refused and is dropped at the edge.
    drop_refused: bool,
    /// The offered request's kind (from its payload, whether or not it is valid).
    kind: Kind,
    /// The offered request may be accepted this cycle, but for the core's readiness.
    open: bool,
    /// The offered request merges into the youngest entry this cycle.
    coalesce: bool,
    /// The head of the order queue.
    head: Option<Item>,
}

/// See the module documentation.
#[derive(Clone, Debug)]
pub struct PartialWriteUnit {
    config: EngineConfig,
    order: VecDeque<Item>,
    entries: VecDeque<Entry>,
    /// The last request accepted was a partial write (its entry is the youngest).
    coalescible: bool,
    /// The status of the last answered partial write, for the ones merged into it.
    last_status: u8,
}

/// How many hazard buckets a unit of `depth` entries sorts blocks into: twice its entries,
/// rounded up to a power of two (at least 2).
pub fn hazard_buckets(depth: usize) -> usize {
    (2 * depth.max(1)).next_power_of_two()
}

/// The hazard bucket of the block at byte address `addr`: the low bits of its block number,
/// for `buckets` (a power of two) buckets.
pub fn hazard_bucket(addr: u64, buckets: usize) -> u64 {
    (addr >> 4) & (buckets as u64 - 1)
}

/// `read` with the bytes whose strobe is set replaced by `data`'s.
pub fn merge_bytes(read: [u8; 16], data: [u8; 16], strobes: u16) -> [u8; 16] {
    std::array::from_fn(|k| if strobes >> k & 1 == 1 { data[k] } else { read[k] })
}

impl PartialWriteUnit {
    /// The unit in its reset state.
    pub fn new(config: &EngineConfig) -> Self {
        Self { config: config.clone(), order: VecDeque::new(), entries: VecDeque::new(), coalescible: false, last_status: 0 }
    }

    fn kind(inputs: &EngineInputs) -> Kind {
        match (inputs.core_req_write, inputs.core_req_wstrb) {
            (false, _) | (true, 0xffff) => Kind::Pass,
            (true, 0) => Kind::Local,
            _ => Kind::Partial,
        }
    }

    /// The request's hazard bucket is an entry's.
    fn hazard(&self, addr: u64) -> bool {
        let buckets = hazard_buckets(self.config.partial_write_depth());
        let bucket = hazard_bucket(addr, buckets);
        self.entries.iter().any(|e| hazard_bucket(e.addr, buckets) == bucket)
    }

    /// The decisions of a cycle that the core's inputs depend on.
    pub fn plan(&self, inputs: &EngineInputs) -> Plan {
        let run = !inputs.reset;
        let head_entry = self.entries.front().map(|e| e.state);
        let order_room = self.order.len() < self.config.partial_write_order_depth();
        let issue = head_entry == Some(State::Merged) && order_room && run;
        let drop_refused = head_entry == Some(State::Refused) && run;
        let kind = Self::kind(inputs);
        let entry_room = kind != Kind::Partial || self.entries.len() < self.config.partial_write_depth();
        let base_open = run && head_entry != Some(State::Merged) && !drop_refused && !inputs.key_cmd_valid && order_room;
        let open = base_open && !self.hazard(inputs.core_req_addr) && entry_room;
        // A partial write right after a partial write to the same block, ASID and C-bit whose
        // read is still in the core (or answered in this very cycle) joins its entry.
        let coalesce = base_open
            && kind == Kind::Partial
            && self.coalescible
            && self.entries.back().is_some_and(|e| {
                e.state == State::Waiting && e.addr == inputs.core_req_addr && e.asid == inputs.core_req_asid && e.encrypted == inputs.core_req_encrypted
            });
        let head = self.order.front().copied();
        let mut core = inputs.clone();
        core.core_req_wstrb = 0xffff;
        if head_entry == Some(State::Merged) {
            let e = &self.entries[0];
            core.core_req_valid = issue;
            core.core_req_write = true;
            core.core_req_addr = e.addr;
            core.core_req_asid = e.asid;
            core.core_req_encrypted = e.encrypted;
            core.core_req_wdata = e.data;
        } else {
            core.core_req_valid = inputs.core_req_valid && open && kind != Kind::Local;
            if kind == Kind::Partial {
                core.core_req_write = false;
            }
        }
        core.core_rsp_ready = match head {
            Some(Item::Pass | Item::Answer) => inputs.core_rsp_ready,
            Some(Item::Drop) => true,
            _ => false,
        };
        core.key_cmd_valid = inputs.key_cmd_valid && self.entries.is_empty();
        Plan { core_inputs: core, issue, drop_refused, kind, open, coalesce, head }
    }

    /// The engine's outputs, from the plan and the core's outputs.
    pub fn outputs(&self, inputs: &EngineInputs, plan: &Plan, core: &EngineOutputs) -> EngineOutputs {
        let run = !inputs.reset;
        let mut o = core.clone();
        o.core_req_ready = (plan.open && (plan.kind == Kind::Local || core.core_req_ready)) || plan.coalesce;
        o.core_rsp_valid = false;
        o.core_rsp_write = false;
        o.core_rsp_rdata = [0; 16];
        o.core_rsp_status = 0;
        match plan.head {
            Some(Item::Pass) => {
                o.core_rsp_valid = core.core_rsp_valid;
                o.core_rsp_write = core.core_rsp_write;
                o.core_rsp_rdata = core.core_rsp_rdata;
                o.core_rsp_status = core.core_rsp_status;
            }
            Some(Item::Answer) if core.core_rsp_valid => {
                o.core_rsp_valid = true;
                o.core_rsp_write = true;
                o.core_rsp_status = core.core_rsp_status;
            }
            Some(Item::Local(status)) if run => {
                o.core_rsp_valid = true;
                o.core_rsp_write = true;
                o.core_rsp_status = status;
            }
            Some(Item::Follow) if run => {
                o.core_rsp_valid = true;
                o.core_rsp_write = true;
                o.core_rsp_status = self.last_status;
            }
            _ => {}
        }
        o.key_cmd_ready = core.key_cmd_ready && self.entries.is_empty();
        o
    }

    /// The rising edge at the end of the cycle.
    pub fn edge(&mut self, inputs: &EngineInputs, plan: &Plan, core: &EngineOutputs, outputs: &EngineOutputs) {
        if inputs.reset {
            self.order.clear();
            self.entries.clear();
            self.coalescible = false;
            return;
        }
        let coalesce = plan.coalesce;
        // The entry answered at the last edge is merged, with the bytes of a write that joined
        // it in the answer's cycle, or refused.
        for e in self.entries.iter_mut() {
            if let State::Answered(answer) = e.state {
                if answer == status::OK {
                    e.data = merge_bytes(e.read, e.data, e.strobes);
                    e.state = State::Merged;
                } else {
                    e.state = State::Refused;
                }
            }
        }
        // The response of the order queue's head.
        let core_fire = core.core_rsp_valid && plan.core_inputs.core_rsp_ready;
        match plan.head {
            Some(Item::Pass | Item::Drop) if core_fire => {
                self.order.pop_front();
            }
            Some(Item::Answer) if core_fire => {
                self.order.pop_front();
                self.last_status = core.core_rsp_status;
                if let Some(e) = self.entries.iter_mut().find(|e| e.state == State::Waiting) {
                    e.read = core.core_rsp_rdata;
                    e.state = State::Answered(core.core_rsp_status);
                }
            }
            Some(Item::Local(_) | Item::Follow) if outputs.core_rsp_valid && inputs.core_rsp_ready => {
                self.order.pop_front();
            }
            _ => {}
        }
        // The oldest entry leaves: its merged write went to the core, or it was refused.
        if (plan.issue && core.core_req_ready) || plan.drop_refused {
            if plan.issue {
                self.order.push_back(Item::Drop);
            }
            self.entries.pop_front();
        }
        // A request accepted at the core port.
        if inputs.core_req_valid && outputs.core_req_ready {
            self.coalescible = plan.kind == Kind::Partial;
            if coalesce {
                if let Some(e) = self.entries.back_mut() {
                    e.data = merge_bytes(e.data, inputs.core_req_wdata, inputs.core_req_wstrb);
                    e.strobes |= inputs.core_req_wstrb;
                }
                self.order.push_back(Item::Follow);
                return;
            }
            match plan.kind {
                Kind::Pass => self.order.push_back(Item::Pass),
                Kind::Local => {
                    let addr = inputs.core_req_addr;
                    let status = if addr & 15 != 0 {
                        status::MISALIGNED
                    } else if inputs.core_req_asid >= self.config.num_asids {
                        status::BAD_ASID
                    } else {
                        status::OK
                    };
                    self.order.push_back(Item::Local(status));
                }
                Kind::Partial => {
                    self.order.push_back(Item::Answer);
                    self.entries.push_back(Entry {
                        addr: inputs.core_req_addr,
                        asid: inputs.core_req_asid,
                        encrypted: inputs.core_req_encrypted,
                        data: inputs.core_req_wdata,
                        read: [0; 16],
                        strobes: inputs.core_req_wstrb,
                        state: State::Waiting,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge_bytes;

    #[test]
    fn merging_takes_each_byte_from_the_write_where_its_strobe_is_set() {
        let read = [0xaa; 16];
        let data: [u8; 16] = std::array::from_fn(|k| k as u8);
        let merged = merge_bytes(read, data, 0b1000_0000_0000_0101);
        assert_eq!(merged[0], 0);
        assert_eq!(merged[1], 0xaa);
        assert_eq!(merged[2], 2);
        assert_eq!(merged[14], 0xaa);
        assert_eq!(merged[15], 15);
        assert_eq!(merge_bytes(read, data, 0xffff), data);
        assert_eq!(merge_bytes(read, data, 0), read);
    }
}
