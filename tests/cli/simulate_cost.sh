#!/usr/bin/env bash
# qasim simulate prices the run: report.json holds energy per layer and component class,
# area per component and the efficiency figures; the MAC and DRAM energies and the MAC
# area are recomputed here from the Horowitz anchors (independent of the C++ model);
# --node/--voltage scale as stated; a bad --tech file is refused with its name and line;
# qasim cost prices a hand-described design.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

model=(--model zoo:resnet8 --input-shape 1x16x16 --classes 10 --wbits 4 --dataset synthetic --arch nvdla_small)
expect_exit 0 "$QASIM" simulate "${model[@]}" --out "$WORK/base"
expect_output "TOPS/W"
expect_output "pJ/MAC"
expect_output "cbuf"
expect_exit 0 "$QASIM" simulate "${model[@]}" --node 28 --out "$WORK/n28"
expect_exit 0 "$QASIM" simulate "${model[@]}" --voltage 0.45 --dram hbm2 --out "$WORK/v045"

$PY - "$WORK/base/report.json" "$WORK/n28/report.json" "$WORK/v045/report.json" <<'PY'
import json, math, sys
base, n28, v045 = (json.load(open(p)) for p in sys.argv[1:])
c = base["cost"]
close = lambda a, b, tol=1e-9: abs(a - b) <= tol * max(1.0, abs(a), abs(b))

# Horowitz 45 nm anchors: add 8b 0.03 / 32b 0.1 pJ (36 / 137 um^2); mult 8b 0.2, 32b 3.1 pJ
# (282 / 3495 um^2). Adder: line through the two; multiplier: power law in a*b.
def add_e(n): return 0.03 + (n - 8) * 0.07 / 24
def mult_e(a, b): return 0.2 * (a * b / 64) ** (math.log(3.1 / 0.2) / math.log(16))
def add_a(n): return 36 + (n - 8) * 101 / 24
def mult_a(a, b): return 282 * (a * b / 64) ** (math.log(3495 / 282) / math.log(16))

mac_pj = dram_pj = 0.0
for layer in base["actions"]:
    for a in layer["actions"]:
        if a["kind"] == "mac":
            w, x, acc = a["bits"]
            mac_pj += a["count"] * (mult_e(w, x) + add_e(acc))
        if a["kind"].startswith("dram_"):
            dram_pj += a["count"] * 8 * 8.0  # LPDDR4, 8 pJ/bit
total = c["total"]
assert close(total["components_pj"]["cmac"], mac_pj), (total["components_pj"]["cmac"], mac_pj)
assert close(total["energy_pj"]["dram"], dram_pj), (total["energy_pj"]["dram"], dram_pj)

inv = {i["component"]: i for i in base["inventory"]}
area = {a["component"]: a for a in c["area"]["components"]}
w, x, acc = inv["cmac"]["bits"]
assert close(area["cmac"]["area_um2"], inv["cmac"]["count"] * (mult_a(w, x) + add_a(acc)))

# Totals are the sums of their parts.
e = total["energy_pj"]
assert close(e["dynamic"], e["compute"] + e["register_file"] + e["sram"] + e["dram"])
assert close(e["dynamic"], sum(total["components_pj"].values()))
for cls in ("compute", "sram", "dram"):
    assert close(e[cls], sum(l["energy_pj"][cls] for l in c["layers"])), cls
assert close(c["area"]["total_um2"], sum(a["area_um2"] for a in c["area"]["components"]))
assert set(total["sram_by_buffer_pj"]) == {"cbuf"}

# Efficiency from the totals: 1 MAC = 2 ops.
macs = sum(l["macs"] for l in base["timing"]["layers"])
assert c["macs"] == macs
seconds = base["timing"]["cycles"] / (c["clock_mhz"] * 1e6)
assert close(c["latency_s"], seconds)
assert close(c["tops_per_watt"], 2 * macs / (e["total"] * 1e-12) / 1e12)
assert close(c["gops"], 2 * macs / seconds / 1e9)
assert close(c["pj_per_mac"], e["total"] / macs)

# 28 nm: areas x0.36814 (log-log between the 32 and 20 nm rows), on-chip energy x0.48305.
assert close(n28["cost"]["area"]["total_um2"], 0.36814 * c["area"]["total_um2"], 1e-4)
assert close(n28["cost"]["total"]["energy_pj"]["compute"], 0.48305 * e["compute"], 1e-4)
assert close(n28["cost"]["total"]["energy_pj"]["dram"], e["dram"])
# Half the supply: a quarter of the on-chip dynamic energy; HBM2 at 3.9 pJ/bit.
v = v045["cost"]["total"]["energy_pj"]
assert close(v["compute"], 0.25 * e["compute"]) and close(v["sram"], 0.25 * e["sram"])
assert close(v["dram"], e["dram"] * 3.9 / 8.0)
PY

printf 'name: bad\nnode_nm: 45\nvoltage: 0.9\n' >"$WORK/bad_tech.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --tech "$WORK/bad_tech.yaml"
expect_output "bad_tech.yaml:3"
expect_output "unknown key 'voltage'"
sed 's/energy_pj: 0.03,/energy_pj: -1,/' "$SRC/configs/tech/horowitz45.yaml" >"$WORK/negative.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --tech "$WORK/negative.yaml"
expect_output "negative.yaml:$(grep -n 'energy_pj: -1' "$WORK/negative.yaml" | cut -d: -f1):"
expect_output "'energy_pj' must be > 0"
cp "$SRC/configs/tech/horowitz45.yaml" "$WORK/copy.yaml"
expect_exit 0 "$QASIM" simulate "${model[@]}" --tech "$WORK/copy.yaml"
expect_output "copy.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --tech "$WORK/missing.yaml"
expect_output "missing.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --node 3
expect_output "outside the scaling table"
expect_exit 2 "$QASIM" simulate "${model[@]}" --node 28x
expect_output "--node '28x' is not a number"
expect_exit 2 "$QASIM" simulate "${model[@]}" --dram sdram
expect_output "unknown DRAM type 'sdram'"

# qasim cost prices a hand-described design: 1000 x 8b MACs with 32-bit accumulation
# (0.2 + 0.1 pJ) and 100 reads of 32 bits from an 8 KB SRAM (5 pJ) = 800 pJ.
cat >"$WORK/design.yaml" <<'YAML'
name: tiny
clock_mhz: 100
cycles: 1000
inventory:
  - {component: pe, kind: mac, count: 1, bits: [8, 8, 32]}
  - {component: buf, kind: sram, count: 1, size: 8192, unit: bytes, bits: [32]}
layers:
  - name: l1
    cycles: 1000
    macs: 1000
    actions:
      - {component: pe, kind: mac, bits: [8, 8, 32], count: 1000}
      - {component: buf, kind: sram_read, bits: [32], count: 100}
YAML
expect_exit 0 "$QASIM" cost "$WORK/design.yaml" --json "$WORK/design.json"
$PY -c "
import json; r = json.load(open('$WORK/design.json'))
e = r['total']['energy_pj']
assert abs(e['compute'] - 300) < 1e-9 and abs(e['sram'] - 500) < 1e-9, e
"
sed 's/count: 100}/count: 100, width: 3}/' "$WORK/design.yaml" >"$WORK/bad_design.yaml"
expect_exit 2 "$QASIM" cost "$WORK/bad_design.yaml"
expect_output "bad_design.yaml:$(grep -n "width: 3" "$WORK/bad_design.yaml" | cut -d: -f1):"
expect_output "unknown key 'width'"
sed 's/kind: sram_read/kind: sram_teleport/' "$WORK/design.yaml" >"$WORK/bad_kind.yaml"
expect_exit 2 "$QASIM" cost "$WORK/bad_kind.yaml"
expect_output "unknown action kind 'sram_teleport'"
"$QASIM" cost --print-tech >"$WORK/printed.yaml"
cmp -s "$WORK/printed.yaml" "$SRC/configs/tech/horowitz45.yaml" || fail "--print-tech differs from the data file"
echo ok
