"""What this machine allows, measured in the same benchmark run, so that each stage's cost per cell can be read
against its limit: the memory's streaming rate, the codec's own throughput on the run's risk raster (GDAL's
encoder, one thread), and the disk's write rate. Each figure is the median of three tries."""
import os
import statistics
import subprocess
import time


def _median_of(fn, tries=3):
    return statistics.median(fn() for _ in range(tries))


def memory_copy_gbps(mb=512):
    """GB/s moved (read + written) by one core copying a large array: the bound of a streaming pass."""
    import numpy as np
    a = np.ones(mb * 2**20 // 4, dtype=np.float32)
    b = np.empty_like(a)

    def once():
        t = time.perf_counter()
        np.copyto(b, a)
        return 2 * a.nbytes / (time.perf_counter() - t) / 1e9
    return _median_of(once)


def codec_ns_per_cell(raw_tif, work, compress, extra):
    """ns a cell for GDAL to encode a float32 raster (tiled 512, TIFF's float predictor), one thread, from an
    uncompressed source in the page cache."""
    dst = os.path.join(work, "limits-codec.tif")
    info = subprocess.run(["gdalinfo", "-json", raw_tif], capture_output=True, text=True).stdout
    import json
    size = json.loads(info)["size"]
    cells = size[0] * size[1]
    argv = ["gdal_translate", "-q", "-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
            "-co", "COMPRESS=" + compress, "-co", "PREDICTOR=3", "-co", "NUM_THREADS=1", "-co", "BIGTIFF=IF_SAFER"] + extra
    subprocess.run(["cat", raw_tif], stdout=subprocess.DEVNULL)  # into the page cache

    def once():
        t = time.perf_counter()
        subprocess.run(argv + [raw_tif, dst], check=True)
        return 1e9 * (time.perf_counter() - t) / cells
    try:
        return _median_of(once)
    finally:
        if os.path.exists(dst):
            os.remove(dst)


def disk_write_mbps(work, mb=1024):
    """MB/s written to the benchmark's folder and flushed to the disk (dd, fdatasync)."""
    path = os.path.join(work, "limits-disk.bin")

    def once():
        t = time.perf_counter()
        subprocess.run(["dd", "if=/dev/zero", "of=" + path, "bs=8M", "count=%d" % (mb // 8), "conv=fdatasync"],
                       check=True, capture_output=True)
        return mb * 2**20 / (time.perf_counter() - t) / 1e6
    try:
        return _median_of(once)
    finally:
        if os.path.exists(path):
            os.remove(path)


def measure(work, raw_tif):
    out = {"memory_copy_gbps": memory_copy_gbps(), "disk_write_mbps": disk_write_mbps(work)}
    out["zstd1_ns_per_cell"] = codec_ns_per_cell(raw_tif, work, "ZSTD", ["-co", "ZSTD_LEVEL=1"])
    out["deflate1_ns_per_cell"] = codec_ns_per_cell(raw_tif, work, "DEFLATE", ["-co", "ZLEVEL=1"])
    return out


def describe(limits):
    """Lines for the benchmark's table."""
    mem_ns = 8 / limits["memory_copy_gbps"]  # a float32 cell read and written
    disk_ns = 4e3 / limits["disk_write_mbps"]  # a float32 cell written
    return ["limits on this machine (median of 3): memory copy %.1f GB/s (%.2f ns per float32 cell read and written, "
            "one core); GDAL's encoder with the float predictor, one thread: ZSTD-1 %.1f ns, DEFLATE-1 %.1f ns per cell; "
            "disk write %.0f MB/s (%.2f ns per float32 cell)" % (limits["memory_copy_gbps"], mem_ns,
                                                                   limits["zstd1_ns_per_cell"], limits["deflate1_ns_per_cell"],
                                                                   limits["disk_write_mbps"], disk_ns)]
