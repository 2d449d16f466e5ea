#include "mpi/mpi_session.hpp"

#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <thread>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk::mpi {

namespace {

// Tag 0: a rank's failure (its message); tag t + 1: tile t.
constexpr int kFailureTag = 0;

// A tile as bytes: counts, the figures, then each band's length and floats.
std::vector<char> encode(const SharedTile& m) {
    size_t bytes = 3 * sizeof(std::int64_t) + 3 * sizeof(double) + m.nan_cells.size() * sizeof(std::int64_t);
    for (const auto& b : m.bands) bytes += sizeof(std::int64_t) + b.size() * sizeof(float);
    std::vector<char> out(bytes);
    char* p = out.data();
    const auto put = [&](const void* v, size_t n) {
        if (n) std::memcpy(p, v, n);
        p += n;
    };
    const std::int64_t head[3] = {static_cast<std::int64_t>(m.bands.size()), static_cast<std::int64_t>(m.nan_cells.size()),
                                  m.risk_cells};
    put(head, sizeof head);
    const double fig[3] = {m.risk_sum, m.risk_min, m.risk_max};
    put(fig, sizeof fig);
    put(m.nan_cells.data(), m.nan_cells.size() * sizeof(std::int64_t));
    for (const auto& b : m.bands) {
        const std::int64_t n = static_cast<std::int64_t>(b.size());
        put(&n, sizeof n);
        put(b.data(), b.size() * sizeof(float));
    }
    return out;
}

void decode(const std::vector<char>& in, SharedTile& m) {
    const char* p = in.data();
    const char* end = in.data() + in.size();
    const auto get = [&](void* v, size_t n) {
        if (static_cast<size_t>(end - p) < n) throw Error("internal error: a tile from another rank is cut short");
        if (n) std::memcpy(v, p, n);
        p += n;
    };
    std::int64_t head[3];
    get(head, sizeof head);
    double fig[3];
    get(fig, sizeof fig);
    m.risk_cells = head[2], m.risk_sum = fig[0], m.risk_min = fig[1], m.risk_max = fig[2];
    m.nan_cells.resize(static_cast<size_t>(head[1]));
    get(m.nan_cells.data(), m.nan_cells.size() * sizeof(std::int64_t));
    m.bands.resize(static_cast<size_t>(head[0]));
    for (auto& b : m.bands) {
        std::int64_t n = 0;
        get(&n, sizeof n);
        b.resize(static_cast<size_t>(n));
        get(b.data(), b.size() * sizeof(float));
    }
}

class MpiTileShare : public TileShare {
public:
    MpiTileShare(int rank, int ranks) : rank_(rank), ranks_(ranks) {}
    int rank() const override { return rank_; }
    int ranks() const override { return ranks_; }

    void send(std::int64_t t, const SharedTile& tile) override {
        const std::vector<char> bytes = encode(tile);
        if (bytes.size() > static_cast<size_t>(INT_MAX))
            throw Error("a tile is too large to send between ranks (" + std::to_string(bytes.size() >> 20) + " MB)", {},
                        "use a smaller --tile-size (e.g. 1024)");
        MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, static_cast<int>(t + 1), MPI_COMM_WORLD);
    }

    // Polls for tile t from its rank, or a failure from any rank, so that a local failure (stop) ends the wait.
    bool receive(std::int64_t t, SharedTile& tile, const std::atomic<bool>& stop) override {
        const int from = static_cast<int>(t % ranks_);
        for (int idle = 0;; ++idle) {
            MPI_Status st;
            int flag = 0;
            MPI_Iprobe(MPI_ANY_SOURCE, kFailureTag, MPI_COMM_WORLD, &flag, &st);
            if (flag) {
                int n = 0;
                MPI_Get_count(&st, MPI_CHAR, &n);
                std::string text(static_cast<size_t>(n), '\0');
                MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, kFailureTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                throw Error("rank " + std::to_string(st.MPI_SOURCE) + " of " + std::to_string(ranks_) + " failed: " + text);
            }
            MPI_Iprobe(from, static_cast<int>(t + 1), MPI_COMM_WORLD, &flag, &st);
            if (flag) {
                int n = 0;
                MPI_Get_count(&st, MPI_BYTE, &n);
                buffer_.resize(static_cast<size_t>(n));
                MPI_Recv(buffer_.data(), n, MPI_BYTE, from, static_cast<int>(t + 1), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                decode(buffer_, tile);
                return true;
            }
            if (stop) return false;
            // Spin briefly (the tile is often on its way), then yield the core to the scoring threads.
            if (idle > 100) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

private:
    int rank_, ranks_;
    std::vector<char> buffer_;
};

}  // namespace

Session::Session(int& argc, char**& argv) {
    int provided = MPI_THREAD_SINGLE;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    threads_ok_ = provided >= MPI_THREAD_MULTIPLE;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
}

Session::~Session() {
    if (code_ != 0 && rank_ == 0 && ranks_ > 1) MPI_Abort(MPI_COMM_WORLD, code_);
    MPI_Finalize();
}

std::unique_ptr<TileShare> Session::tile_share(long long tiles) {
    void* ub = nullptr;
    int flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
    if (flag && tiles + 1 > *static_cast<int*>(ub))
        throw Error("the grid has " + std::to_string(tiles) + " tiles, more than this MPI can tell apart (" +
                        std::to_string(*static_cast<int*>(ub)) + ")",
                    {}, "use a larger --tile-size");
    return std::make_unique<MpiTileShare>(rank_, ranks_);
}

void Session::report_failure(const std::string& message) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_CHAR, 0, kFailureTag, MPI_COMM_WORLD);
}

}  // namespace minerisk::mpi
