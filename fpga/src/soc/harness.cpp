// Verilator harness of `mee soc run`: the exported SoC, a DRAM model with a fixed read
// latency, and the host side of the launch. Written by mee; the plan file names everything
// (see fpga/src/soc/run.rs).
//
// Plan lines: `dram_bytes N`, `latency L`, `max_cycles M`, `dump PATH|-`, `vcd PATH|-`,
// `results PATH`, then one `guest IMAGE MAILBOX` per guest. IMAGE holds records
// (u32 DRAM address, u32 length, bytes) placed in DRAM before the guest's launch; MAILBOX
// holds the 64 mailbox words (u32, little-endian).
//
// For each guest: reset for 4 cycles, write the mailbox, raise host_start, run until the
// guest's exit store, a cpu trap, or max_cycles in all. Console bytes go to stdout as they
// come. Results: one line per guest and a `cycles`/`seconds` line.
#include "V@TOP@.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

struct Guest {
    std::string image, mailbox;
};

struct PendingRead {
    uint64_t due;
    uint32_t words[4];
};

static std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fprintf(stderr, "harness: cannot read %s\n", path.c_str());
        exit(3);
    }
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

static uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24); }

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PLAN\n", argv[0]);
        return 2;
    }
    uint64_t dram_bytes = 1 << 20, latency = 20, max_cycles = 1000000;
    std::string dump = "-", vcd = "-", results_path;
    std::vector<Guest> guests;
    {
        std::ifstream plan(argv[1]);
        std::string line;
        while (std::getline(plan, line)) {
            std::istringstream words(line);
            std::string key;
            words >> key;
            if (key == "dram_bytes") words >> dram_bytes;
            else if (key == "latency") words >> latency;
            else if (key == "max_cycles") words >> max_cycles;
            else if (key == "dump") words >> dump;
            else if (key == "vcd") words >> vcd;
            else if (key == "results") words >> results_path;
            else if (key == "guest") {
                Guest g;
                words >> g.image >> g.mailbox;
                guests.push_back(g);
            }
        }
    }
    std::vector<uint8_t> dram(dram_bytes, 0);
    Verilated::commandArgs(argc, argv);
    Verilated::traceEverOn(vcd != "-");
    V@TOP@* top = new V@TOP@;
    VerilatedVcdC* trace = nullptr;
    if (vcd != "-") {
        trace = new VerilatedVcdC;
        top->trace(trace, 99);
        trace->open(vcd.c_str());
    }
    FILE* results = fopen(results_path.c_str(), "w");
    if (!results) {
        fprintf(stderr, "harness: cannot write %s\n", results_path.c_str());
        return 3;
    }
    uint64_t cycle = 0;
    auto start = std::chrono::steady_clock::now();
    std::deque<PendingRead> reads;
    bool out_of_cycles = false;
    // One clock cycle: inputs already set; evaluate low, step the DRAM model, rising edge.
    auto tick = [&]() {
        top->clock = 0;
        top->eval();
        if (trace) trace->dump(2 * cycle);
        bool req = top->dram_req_valid && top->dram_req_ready;
        bool rsp = top->dram_rsp_valid && top->dram_rsp_ready;
        uint64_t addr = top->dram_req_addr & ~(uint64_t)15;
        bool write = top->dram_req_write;
        uint32_t wdata[4];
        for (int w = 0; w < 4; ++w) wdata[w] = top->dram_req_wdata[w];
        top->clock = 1;
        top->eval();
        if (trace) trace->dump(2 * cycle + 1);
        ++cycle;
        if (rsp) reads.pop_front();
        if (req) {
            if (write) {
                if (addr + 16 <= dram_bytes)
                    for (int k = 0; k < 16; ++k) dram[addr + k] = (uint8_t)(wdata[k / 4] >> (8 * (k % 4)));
            } else {
                PendingRead r;
                r.due = cycle + latency - 1;
                for (int w = 0; w < 4; ++w) r.words[w] = addr + 16 <= dram_bytes ? le32(&dram[addr + 4 * w]) : 0;
                reads.push_back(r);
            }
        }
        bool have = !reads.empty() && reads.front().due <= cycle;
        top->dram_rsp_valid = have;
        for (int w = 0; w < 4; ++w) top->dram_rsp_rdata[w] = have ? reads.front().words[w] : 0;
        top->dram_req_ready = 1;
    };
    for (size_t k = 0; k < guests.size() && !out_of_cycles; ++k) {
        std::vector<uint8_t> image = read_file(guests[k].image), mailbox = read_file(guests[k].mailbox);
        for (size_t p = 0; p + 8 <= image.size();) {
            uint32_t addr = le32(&image[p]), length = le32(&image[p + 4]);
            p += 8;
            for (uint32_t i = 0; i < length && p < image.size(); ++i, ++p)
                if (addr + i < dram_bytes) dram[addr + i] = image[p];
        }
        reads.clear();
        top->reset = 1;
        top->host_start = 0;
        top->host_mailbox_write = 0;
        top->dram_rsp_valid = 0;
        top->dram_req_ready = 1;
        for (int i = 0; i < 4; ++i) tick();
        top->reset = 0;
        uint64_t guest_start = cycle;
        for (uint32_t w = 0; w < 64 && 4 * w + 4 <= mailbox.size(); ++w) {
            top->host_mailbox_write = 1;
            top->host_mailbox_addr = w;
            top->host_mailbox_wdata = le32(&mailbox[4 * w]);
            tick();
        }
        top->host_mailbox_write = 0;
        top->host_start = 1;
        std::string status = "timeout", reports;
        uint64_t launched = 0, ended = 0;
        uint32_t code = 0, fetches = 0, dram_reads = 0, dram_read_cycles = 0;
        bool was_running = false;
        uint32_t report_words = 0, launch_status = 0;
        while (true) {
            if (cycle >= max_cycles) {
                out_of_cycles = true;
                break;
            }
            tick();
            if (top->report_valid) {
                if (report_words == 0) launch_status = top->report_data;
                reports += " " + std::to_string(top->report_data);
                // A failed launch reports its status and one detail word, then the sp stops.
                if (++report_words == 2 && launch_status != 0) {
                    status = "launch_failed";
                    break;
                }
            }
            if (top->console_valid) {
                fputc(top->console_byte, stdout);
                if (top->console_byte == '\n') fflush(stdout);
            }
            if (top->cpu_running && !was_running) launched = cycle;
            was_running = top->cpu_running;
            if (top->exit_valid) {
                status = "exit";
                code = top->exit_code;
                break;
            }
            if (top->cpu_running && top->cpu_trap) {
                status = "trap";
                break;
            }
        }
        ended = cycle;
        fetches = top->cpu_fetches;
        dram_reads = top->cpu_dram_reads;
        dram_read_cycles = top->cpu_dram_read_cycles;
        fprintf(results, "guest %zu %s code %u start %llu launched %llu end %llu fetches %u reads %u read_cycles %u report%s\n", k, status.c_str(),
                code, (unsigned long long)guest_start, (unsigned long long)launched, (unsigned long long)ended, fetches,
                dram_reads, dram_read_cycles, reports.c_str());
        fflush(stdout);
        if (status != "exit") break;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fprintf(results, "cycles %llu seconds %.6f\n", (unsigned long long)cycle, seconds);
    fclose(results);
    if (dump != "-") {
        FILE* f = fopen(dump.c_str(), "wb");
        if (!f || fwrite(dram.data(), 1, dram.size(), f) != dram.size()) {
            fprintf(stderr, "harness: cannot write %s\n", dump.c_str());
            return 3;
        }
        fclose(f);
    }
    if (trace) trace->close();
    top->final();
    delete top;
    return 0;
}
