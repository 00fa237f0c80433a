#!/usr/bin/python3
"""Writes results/cost_validation.md: the cost model (through the qasim binary) beside
published figures. Called by scripts/validate_cost.sh; every number in "ours" comes from
`qasim cost` or `qasim simulate` runs made here, every "published" number from the cited
paper (REFERENCES.md). The EIE and UNPU designs below are inventories and activity
estimates written from the papers' descriptions; their assumptions are listed in the file.
"""
import json
import os
import subprocess
import sys
import tempfile

QASIM, OUT = sys.argv[1], sys.argv[2]
WORK = tempfile.mkdtemp()


def run(args):
    done = subprocess.run([QASIM] + args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"qasim {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def price(name, inventory, layers, clock_mhz, cycles, *flags):
    """Runs `qasim cost` on a design; returns its JSON report."""
    design = os.path.join(WORK, name + ".yaml")
    out = os.path.join(WORK, name + ".json")
    with open(design, "w") as f:
        json.dump({"name": name, "clock_mhz": clock_mhz, "cycles": cycles,
                   "inventory": inventory, "layers": layers}, f)
    run(["cost", design, "--json", out] + list(flags))
    with open(out) as f:
        return json.load(f)


def one_action(name, item, action, *flags):
    """Energy (pJ) of one action and area (um^2) of one instance of `item`."""
    r = price(name, [item], [{"name": "x", "cycles": 1, "macs": 0, "actions": [action]}],
              1000, 1, *flags)
    return r["total"]["components_pj"][item["component"]], r["area"]["total_um2"]


def err(ours, published):
    return f"{100 * (ours / published - 1):+.1f}"


lines = []
emit = lines.append

emit("# Cost model validation")
emit("")
emit("Regenerate with `scripts/validate_cost.sh` (this file is written by it, not by hand).")
emit("Model: sim/cost/ (formulas in sim/cost/primitives.h), default table "
     "configs/tech/horowitz45.yaml (every entry with its source). \"ours\" comes from "
     "`qasim cost` / `qasim simulate` runs made by the script.")
emit("")

# --- Horowitz primitives ---------------------------------------------------------------
emit("## Horowitz 45 nm, 0.9 V primitives")
emit("")
emit("| primitive | published energy pJ | ours pJ | err % | published area um2 | ours um2 | err % | role |")
emit("|---|---|---|---|---|---|---|---|")
units = [
    ("8b add", {"component": "u", "kind": "adder", "count": 1, "bits": [8]},
     {"component": "u", "kind": "add", "bits": [8], "count": 1}, 0.03, 36, "anchor (exact by construction)"),
    ("16b add", {"component": "u", "kind": "adder", "count": 1, "bits": [16]},
     {"component": "u", "kind": "add", "bits": [16], "count": 1}, 0.05, 67, "check (not fitted)"),
    ("32b add", {"component": "u", "kind": "adder", "count": 1, "bits": [32]},
     {"component": "u", "kind": "add", "bits": [32], "count": 1}, 0.1, 137, "anchor"),
    ("8b mult", {"component": "u", "kind": "multiplier", "count": 1, "bits": [8, 8]},
     {"component": "u", "kind": "mult", "bits": [8, 8], "count": 1}, 0.2, 282, "anchor"),
    ("32b mult", {"component": "u", "kind": "multiplier", "count": 1, "bits": [32, 32]},
     {"component": "u", "kind": "mult", "bits": [32, 32], "count": 1}, 3.1, 3495, "anchor"),
]
for label, item, action, e_pub, a_pub, role in units:
    e, a = one_action("h_" + label.replace(" ", "_"), item, action)
    emit(f"| {label} | {e_pub} | {e:.4f} | {err(e, e_pub)} | {a_pub} | {a:.1f} | {err(a, a_pub)} | {role} |")
srams = [
    ("32b read, 8 KB SRAM", 8192, 32, 5.0, "anchor (confirmed in REFERENCES.md)"),
    ("64b read, 32 KB SRAM", 32768, 64, 20.0, "fit point (unconfirmed figure)"),
    ("64b read, 1 MB SRAM", 1048576, 64, 100.0, "fit point (unconfirmed figure)"),
]
for label, size, w, e_pub, role in srams:
    item = {"component": "m", "kind": "sram", "count": 1, "size": size, "unit": "bytes", "bits": [w]}
    e, _ = one_action("s%d" % size, item, {"component": "m", "kind": "sram_read", "bits": [w], "count": 1})
    emit(f"| {label} | {e_pub} | {e:.2f} | {err(e, e_pub)} | | | | {role} |")
dram_item = {"component": "d", "kind": "interface", "count": 1, "size": 8, "unit": "bytes", "bits": [64]}
e, _ = one_action("dram", dram_item, {"component": "d", "kind": "dram_read", "count": 4}, "--dram", "ddr4")
emit(f"| 32b DRAM read (ddr4 row) | 640 | {e:.1f} | {err(e, 640)} | | | | anchor (20 pJ/bit) |")
emit("")
emit("The two-point adder line misses Horowitz's 16b add by the error shown; a line through "
     "the origin (strictly proportional to width) would miss the 8b add by 16 %.")
emit("")

# --- Eyeriss ratio ---------------------------------------------------------------------
mac16, _ = one_action("mac16", {"component": "u", "kind": "mac", "count": 1, "bits": [16, 16, 16]},
                      {"component": "u", "kind": "mac", "bits": [16, 16, 16], "count": 1})
rf16, _ = one_action("rf16", {"component": "r", "kind": "register_file", "count": 1, "size": 512,
                              "unit": "bytes", "bits": [16]},
                     {"component": "r", "kind": "rf_read", "bits": [16], "count": 1})
dram16, _ = one_action("dram16", dram_item, {"component": "d", "kind": "dram_read", "count": 2})
emit("## Eyeriss normalized access energies (16-bit words)")
emit("")
emit("| ratio | published | ours | err % | note |")
emit("|---|---|---|---|---|")
emit(f"| register file (512 B) / 16-bit MAC | 1 | {rf16 / mac16:.2f} | {err(rf16 / mac16, 1)} | anchor: the RF model is set from this ratio |")
emit(f"| DRAM (LPDDR4) / 16-bit MAC | 200 | {dram16 / mac16:.0f} | {err(dram16 / mac16, 200)} | independent: Eyeriss is 65 nm with its own DRAM; ours 45 nm MAC, LPDDR4 8 pJ/bit |")
emit("")

# --- EIE processing element --------------------------------------------------------------
# Han et al., ISCA 2016: 45 nm, 800 MHz. Per PE: Spmat SRAM 128 KB, 64-bit; Ptr SRAM 32 KB
# in even/odd banks, 16-bit pointers; two 64 x 16-bit activation register files and a 2 KB
# activation SRAM (read at the start and written at the end of a batch only); a 16-entry
# 16-bit codebook; 16-bit fixed-point multiply and add; an 8-deep activation queue.
# Steady state (Sec. VI): one (v, x) entry per cycle; Spmat and Ptr read every 8 cycles.
CYC = 800_000_000  # one second
PER8 = CYC // 8
eie_inventory = [
    {"component": "spmat", "kind": "sram", "count": 1, "size": 131072, "unit": "bytes", "bits": [64]},
    {"component": "ptr", "kind": "sram", "count": 1, "size": 32768, "unit": "bytes", "bits": [16], "banks": 2},
    {"component": "codebook", "kind": "lut", "count": 1, "size": 32, "unit": "bytes", "bits": [16]},
    {"component": "mult", "kind": "multiplier", "count": 1, "bits": [16, 16]},
    {"component": "acc_add", "kind": "adder", "count": 1, "bits": [16]},
    {"component": "addr_add", "kind": "adder", "count": 1, "bits": [8]},
    {"component": "act_regs", "kind": "register_file", "count": 2, "size": 128, "unit": "bytes", "bits": [16]},
    {"component": "act_sram", "kind": "sram", "count": 1, "size": 2048, "unit": "bytes", "bits": [16]},
    {"component": "act_queue", "kind": "register_file", "count": 1, "size": 32, "unit": "bytes", "bits": [32]},
]
eie_actions = [
    {"component": "spmat", "kind": "sram_read", "bits": [64], "count": PER8},
    {"component": "ptr", "kind": "sram_read", "bits": [16], "count": 2 * PER8},
    {"component": "codebook", "kind": "lut_read", "bits": [16, 16], "count": CYC},
    {"component": "mult", "kind": "mult", "bits": [16, 16], "count": CYC},
    {"component": "acc_add", "kind": "add", "bits": [16], "count": CYC},
    {"component": "addr_add", "kind": "add", "bits": [8], "count": CYC},
    {"component": "act_regs", "kind": "rf_read", "bits": [16], "count": CYC + PER8},
    {"component": "act_regs", "kind": "rf_write", "bits": [16], "count": CYC},
    {"component": "act_queue", "kind": "rf_write", "bits": [32], "count": PER8},
    {"component": "act_queue", "kind": "rf_read", "bits": [32], "count": PER8},
]
eie = price("eie_pe", eie_inventory,
            [{"name": "steady_state", "cycles": CYC, "macs": CYC, "actions": eie_actions}], 800, CYC)
modules = {
    "SpmatRead": ["spmat"],
    "PtrRead": ["ptr"],
    "ArithmUnit": ["codebook", "mult", "acc_add", "addr_add"],
    "ActRW": ["act_regs", "act_sram"],
    "Act queue": ["act_queue"],
}
published = {  # Table II: power mW, area um^2
    "SpmatRead": (4.955, 469412), "PtrRead": (1.807, 121849), "ArithmUnit": (1.162, 3110),
    "ActRW": (1.122, 18934), "Act queue": (0.112, 758),
}
area = {a["component"]: a for a in eie["area"]["components"]}
energy = eie["total"]["components_pj"]
emit("## EIE processing element (Han et al., ISCA 2016, Table II): 45 nm, 800 MHz")
emit("")
emit("Our inventory and steady-state activity per PE, from the paper's text: Spmat SRAM 128 KB "
     "64-bit read every 8 cycles; Ptr SRAM 32 KB in two banks, both 16-bit pointers read every "
     "8 cycles; per cycle one codebook lookup (16 x 16 bit), one 16x16 multiply, a 16-bit "
     "accumulate, an 8-bit address add, and a read and a write of the destination activation "
     "register file (2 x 64 x 16 bit); the 2 KB activation SRAM idles in steady state; the "
     "8-deep queue is pushed and popped once per column. Power = dynamic energy over one second "
     "+ leakage.")
emit("")
emit("| module | published mW | ours mW | err % | published um2 | ours um2 | err % |")
emit("|---|---|---|---|---|---|---|")
tot_p = tot_a = 0.0
for m, parts in modules.items():
    p = sum(energy.get(c, 0) * 1e-9 + area[c]["leakage_mw"] for c in parts)  # pJ in 1 s -> mW
    a = sum(area[c]["area_um2"] for c in parts)
    tot_p += p
    tot_a += a
    pp, pa = published[m]
    emit(f"| {m} | {pp} | {p:.3f} | {err(p, pp)} | {pa:,} | {a:,.0f} | {err(a, pa)} |")
emit(f"| PE total | 9.157 | {tot_p:.3f} | {err(tot_p, 9.157)} | 638,024 | {tot_a:,.0f} | {err(tot_a, 638024)} |")
free = ["ArithmUnit", "ActRW", "Act queue"]  # modules whose area no fit point comes from
fp = sum(sum(energy.get(c, 0) * 1e-9 + area[c]["leakage_mw"] for c in modules[m]) for m in free)
fa = sum(sum(area[c]["area_um2"] for c in modules[m]) for m in free)
pp = sum(published[m][0] for m in free)
pa = sum(published[m][1] for m in free)
emit(f"| not fitted: ArithmUnit + ActRW + Act queue | {pp:.3f} | {fp:.3f} | {err(fp, pp)} | {pa:,} | {fa:,.0f} | {err(fa, pa)} |")
emit("")
emit("Notes. The Spmat and Ptr areas are the two points the SRAM area model is solved from, so "
     "their area rows agree by construction (they are not a validation). The published total "
     "includes the clock network (1.874 mW, 20.5 % of the PE) and filler cells (23,961 um2), "
     "which the model does not have; without them the published PE is 7.283 mW and "
     "614,063 um2. PtrRead is under-predicted: the model's SRAM energy is proportional to the "
     "word width, so a 16-bit read of a 16 KB bank costs a quarter of a 64-bit one, while in "
     "CACTI the decoder and bit-line energy of narrow reads does not shrink with the width; "
     "the pointer SRAM may also be read more often than once per 8 cycles (a pointer pair is "
     "fetched for every broadcast activation, also for columns that hold no non-zero in this "
     "PE). The PE total area is 93 % fit points; the last row is the part that is not. ActRW and the queue are register files priced at 6 um2/bit "
     "(a flip-flop and its read multiplexer); the queue's published 758 um2 for 8 x 32 bits is "
     "3 um2/bit (a denser latch FIFO), so its area row is 2x high; their power rows lack the "
     "clock-tree share the paper books to each module.")
emit("")

# --- NVDLA ----------------------------------------------------------------------------
rep = os.path.join(WORK, "nvdla")
run(["simulate", "--model", "zoo:resnet8", "--input-shape", "1x16x16", "--classes", "10",
     "--dataset", "synthetic", "--arch", "nvdla_large", "--node", "28", "--out", rep])
with open(os.path.join(rep, "report.json")) as f:
    nv = json.load(f)["cost"]
nv_area = nv["area"]["total_mm2"]
emit("## NVDLA nv_large (2048 INT8 MACs, 512 KB CBUF) area at 28 nm")
emit("")
emit("Command: `qasim simulate --arch nvdla_large --node 28 ...` (the area does not depend on "
     "the model run).")
emit("")
emit("| component | kind | count | ours mm2 |")
emit("|---|---|---|---|")
for a in nv["area"]["components"]:
    emit(f"| {a['component']} | {a['kind']} | {a['count']} | {a['area_um2'] * 1e-6:.3f} |")
emit("")
emit("| figure | published | ours | err % |")
emit("|---|---|---|---|")
emit(f"| core area, 28 nm | 5.5 mm2 (NVDLA primer estimate) | {nv_area:.2f} mm2 | {err(nv_area, 5.5)} |")
emit("")
fp16_mm2 = 1024 * (1640 + 1360) * 0.36814 * 1e-6  # Horowitz fp16 mult + add, 45 -> 28 nm
emit("Explanation. The primer's 5.5 mm2 is the whole NVDLA core; our inventory holds only the "
     "MAC array (a multiplier and an adder per MAC), the CBUF, the CACC adders and the SDP/PDP "
     "lanes, as raw cell area. It leaves out CDMA/CSC (data and weight fetch, decompression), "
     "the CACC accumulation buffers, the SDP/PDP/CDP pipelines beyond one multiplier or adder "
     "per lane, the DMA engines and memory interface, configuration and control logic, clock "
     "tree, wiring, and placement utilization (at a typical 70 % the listed cells alone would "
     f"take {nv_area / 0.7:.2f} mm2). The released full-precision NVDLA (nvdlav1) is fixed at "
     "2048 INT8 or 1024 INT16/FP16 MACs; if the primer's area is for that core (unconfirmed), "
     "its MAC cells also carry FP16 datapaths, which at Horowitz's fp16 mult + add "
     f"(1640 + 1360 um2 at 45 nm) add about {fp16_mm2:.2f} mm2 at 28 nm. Area scaled from 45 nm "
     "with the Stillmaker & Baas logic factor (0.368 at 28 nm) also scales SRAM, whose bit "
     "cells shrink less than logic. The difference is what the inventory does not list, not a "
     "fitted factor: for a full core the model is a lower bound until the accelerator's "
     "inventory lists those blocks.")
emit("")

# --- UNPU -----------------------------------------------------------------------------
# Lee et al., JSSC 2019: 65 nm, 0.63-1.1 V, up to 200 MHz; 345.6 GOPS / 3.08 TOPS/W at 16-bit
# weights, 7372 GOPS / 50.6 TOPS/W at 1-bit weights. Our LBPE estimate (not from the paper's
# circuit details): a lookup table holds the 16 sums of every subset of 4 input activations
# (16 entries of 18 bits), built once per activation group and reused across 64 output
# channels and every weight bit; each cycle a lane reads the entry selected by one bit of 4
# weights and shift-adds it into a 32-bit accumulator. One LUT read = 4 one-bit products, so
# a 16-bit-weight MAC takes 16/4 = 4 reads and a 1-bit-weight MAC 1/4 read. Lanes follow from
# the published peak: 345.6 GOPS at 200 MHz = 864 MAC/cycle x 4 reads = 3456 lanes.
emit("## UNPU (Lee et al., JSSC 2019) energy efficiency at 65 nm")
emit("")
emit("The abstract says the efficiency figures come from the chip's wide operating range "
     "(0.63-1.1 V), i.e. from its low-voltage end, and that the LBPE spends 23.1 % (16-bit "
     "weights) and 53.6 % (1-bit weights) less energy than a conventional fixed-point MAC "
     "array. Two estimates, both at 65 nm and 0.63 V (at 1.1 V every on-chip energy is "
     "(1.1/0.63)^2 = 3.05x higher):")
emit("")
emit("- (a) our conventional MAC (16-bit activation x 16- or 1-bit weight, 32-bit accumulate) "
     "times the published LBPE/MAC energy ratio (0.769, 0.464): compute only;")
emit("- (b) our own bottom-up LBPE estimate, not the paper's circuit: a lookup table per group "
     "of 4 input activations holds the 16 subset sums (16 x 18 bit), built once (15 adds, 16 "
     "writes) and reused by 64 output channels for every weight bit; each lane reads one entry "
     "per cycle (indexed by one bit of 4 weights) and shift-adds it into a 32-bit accumulator: "
     "one read = 4 one-bit products, so a 16-bit-weight MAC costs 4 reads, a 1-bit-weight MAC "
     "a quarter; 3456 lanes (from 345.6 GOPS at 200 MHz). The 'with weight SRAM' variant also "
     "reads every weight bit from a 16 KB, 64-bit SRAM bank with no reuse (an upper bound).")
emit("")
emit("| weights | estimate | published TOPS/W | ours TOPS/W | err % |")
emit("|---|---|---|---|---|")
VOLTS = "0.63"
lbpe_ratio = {16: 1 - 0.231, 1: 1 - 0.536}
bottom_up = {}
for wbits, gops, pub in ((16, 345.6, 3.08), (1, 7372.0, 50.6)):
    macs = int(gops * 1e9 / 2)  # per second at the peak rate
    conv = price(f"unpu_mac_{wbits}", [{"component": "mac", "kind": "mac", "count": 1, "bits": [wbits, 16, 32]}],
                 [{"name": "x", "cycles": 1, "macs": 1,
                   "actions": [{"component": "mac", "kind": "mac", "bits": [wbits, 16, 32], "count": 1}]}],
                 200, 1, "--node", "65", "--voltage", VOLTS)
    mac_pj = conv["total"]["energy_pj"]["dynamic"]
    tops_a = 2 / (mac_pj * lbpe_ratio[wbits])
    emit(f"| {wbits}-bit | (a) MAC x published LBPE ratio | {pub} | {tops_a:.2f} | {err(tops_a, pub)} |")
    reads = macs * wbits // 4
    lanes = 3456
    builds = reads // (64 * wbits)
    inventory = [
        {"component": "lut", "kind": "lut", "count": lanes, "size": 36, "unit": "bytes", "bits": [18]},
        {"component": "acc", "kind": "shift_add", "count": lanes, "bits": [32]},
        {"component": "lut_build", "kind": "adder", "count": lanes // 4, "bits": [18]},
        {"component": "wbuf", "kind": "sram", "count": 24, "size": 16384, "unit": "bytes", "bits": [64]},
    ]
    base_actions = [
        {"component": "lut", "kind": "lut_read", "bits": [18, 16], "count": reads},
        {"component": "acc", "kind": "shift_add", "bits": [32], "count": reads},
        {"component": "lut", "kind": "lut_write", "bits": [18, 16], "count": 16 * builds},
        {"component": "lut_build", "kind": "add", "bits": [18], "count": 15 * builds},
    ]
    sram_actions = [{"component": "wbuf", "kind": "sram_read", "bits": [64], "count": macs * wbits // 64}]
    for variant, acts in (("(b) LBPE datapath", base_actions), ("(b) with weight SRAM", base_actions + sram_actions)):
        r = price(f"unpu_{wbits}_{len(acts)}", inventory,
                  [{"name": "peak", "cycles": 200_000_000, "macs": macs, "actions": acts}],
                  200, 200_000_000, "--node", "65", "--voltage", VOLTS)
        emit(f"| {wbits}-bit | {variant} | {pub} | {r['tops_per_watt']:.2f} | {err(r['tops_per_watt'], pub)} |")
        if variant == "(b) LBPE datapath":
            bottom_up[wbits] = (r["total"]["energy_pj"]["dynamic"] / macs, mac_pj)
emit("")
ratio16 = bottom_up[16][0] / bottom_up[16][1]
emit("Investigation. Estimate (a) uses only our MAC model and the paper's own LBPE/MAC ratio. "
     "At 16-bit weights it is above the chip figure, as it should be: it prices the arithmetic "
     "alone, while the chip also spends energy in its memories, aggregation and SIMD cores, "
     "controller and clock. At 1-bit weights it is slightly below: our multiplier is the power "
     "law in a*b fitted between 8x8 and 32x32 and extrapolated to 1x16 (0.051 pJ at 45 nm), "
     "where a 1-bit 'multiplier' is 16 AND gates, so the MAC it starts from is too expensive. "
     "Estimate (b) is far below both: our bottom-up LBPE costs "
     f"{ratio16:.2f}x a conventional 16-bit MAC per 16-bit-weight MAC, where the paper measured "
     "0.769x. The gap is therefore in our guess of the LBPE circuit (a 16-entry LUT read priced "
     "with the Eyeriss-anchored register-file model, a 32-bit shift-add with a flip-flop write "
     "per read, grouping by 4), not in the technology scaling: the paper's LUT grouping, "
     "accumulator width and reuse are not known to us, and we do not tune them to match. The "
     "weight-SRAM variant shows how much the result depends on weight reuse, which the chip "
     "exploits and the estimate does not know.")
emit("")

# --- Accelerator models of this build, when present ------------------------------------
# UNPU and EIE models (arch/unpu, arch/eie) are built on other branches; once they are in
# the build, their own inventories and counts are priced here at their chips' node. The
# workload is a small zoo network, not the papers' benchmarks: these rows show the model
# end to end, and for UNPU set its TOPS/W beside the published peak efficiency.
archs = [line.split()[0] for line in run(["list-archs", "--brief"]).splitlines() if line.strip()]


def try_simulate(arch, extra):
    out = os.path.join(WORK, "sim_" + arch + "_" + "_".join(extra).replace("-", ""))
    args = ["simulate", "--model", "zoo:resnet8", "--input-shape", "1x16x16", "--classes", "10",
            "--dataset", "synthetic", "--arch", arch, "--out", out] + extra
    done = subprocess.run([QASIM] + args, capture_output=True, text=True)
    if done.returncode != 0:
        lines_ = done.stderr.strip().splitlines() or ["exit %d" % done.returncode]
        return None, next((l for l in lines_ if "error" in l), lines_[-1])
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)["cost"], ""


runs = []
if "unpu" in archs:
    for wbits, pub in (("16", 3.08), ("1", 50.6)):
        flags = ["--wbits", wbits, "--node", "65", "--voltage", "0.63"]
        if wbits == "1":
            flags += ["--scheme", "binary"]
        runs.append(("unpu", flags, pub))
if "eie" in archs:
    # EIE runs weight-shared layers (at most 15 non-zero shared weights): a 3-bit codebook.
    runs.append(("eie", ["--node", "45", "--scheme", "codebook", "--wbits", "3",
                         "--first-bits", "3", "--last-bits", "3"], None))
if runs:
    emit("## Accelerator models of this build on zoo:resnet8 (16x16 input)")
    emit("")
    emit("Not the papers' workloads: the published UNPU figure is its peak efficiency, ours is "
         "one small network at whatever utilization the model reaches.")
    emit("")
    emit("| arch | flags | TOPS/W | published TOPS/W | pJ/MAC | area mm2 | note |")
    emit("|---|---|---|---|---|---|---|")
    for arch, flags, pub in runs:
        cost, note = try_simulate(arch, flags)
        if cost is None:
            emit(f"| {arch} | `{' '.join(flags)}` | | {pub or ''} | | | run failed: {note} |")
            continue
        e = ("one small network, not the chip's peak: the peak-load comparison is in "
             "results/unpu.md") if pub else ""
        emit(f"| {arch} | `{' '.join(flags)}` | {cost['tops_per_watt']:.2f} | {pub or ''} | "
             f"{cost['pj_per_mac']:.3f} | {cost['area']['total_mm2']:.3f} | {e} |")
    emit("")

os.makedirs(os.path.dirname(OUT) or ".", exist_ok=True)
tmp = OUT + ".tmp"
with open(tmp, "w") as f:
    f.write("\n".join(lines) + "\n")
os.replace(tmp, OUT)
print("\n".join(lines))
