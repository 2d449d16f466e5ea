#include "mpi/mpi_session.hpp"

#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk::mpi {

namespace {

// Tag 0: a rank's failure (its message); tag 1: a rank's request (kTake: a tile, please; kDone: no more); tag 2:
// rank 0's answer (a tile index, -1 when none is left); tag t + 3: tile t.
constexpr int kFailureTag = 0, kRequestTag = 1, kAnswerTag = 2, kFirstTileTag = 3;
constexpr std::int64_t kTake = 0, kDone = 1;

// Waits for a send or receive to complete without spinning a core: Open MPI's blocking calls poll at full speed,
// and while rank 0 is busy writing, a rank's thread blocked in MPI_Send (a tile waits until rank 0 takes it)
// took CPU from the ranks that score and from rank 0 itself (on one host, about 4 s of the M full run's 67 s of CPU
// at -np 2).
// Every wait here polls: briefly at full speed (what is awaited is often on its way), then every 200 us, leaving
// the core to the scoring threads.
void pause_after(int polls) {
    if (polls > 100) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

void wait_idle(MPI_Request& request) {
    for (int polls = 0;; ++polls) {
        int done = 0;
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done) return;
        pause_after(polls);
    }
}

// A tile as bytes: counts, the figures, then each band's length and floats.
// Into `out`, reused from tile to tile: a tile of the full run is tens of MB, which glibc would map and unmap (and
// the kernel zero) each time.
void encode(const SharedTile& m, std::vector<char>& out) {
    size_t bytes = 3 * sizeof(std::int64_t) + 3 * sizeof(double) + m.nan_cells.size() * sizeof(std::int64_t);
    for (const auto& b : m.bands) bytes += sizeof(std::int64_t) + b.size() * sizeof(float);
    out.resize(bytes);
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
    MpiTileShare(int rank, int ranks, std::int64_t tiles)
        : rank_(rank), ranks_(ranks), tiles_(tiles), owner_(rank == 0 ? static_cast<size_t>(tiles) : 0),
          shares_(static_cast<size_t>(ranks)) {
        for (auto& o : owner_) o.store(-1, std::memory_order_relaxed);
    }
    int rank() const override { return rank_; }
    int ranks() const override { return ranks_; }

    std::int64_t take() override {
        if (rank_ == 0) return hand_out(0);
        MPI_Send(&kTake, 1, MPI_INT64_T, 0, kRequestTag, MPI_COMM_WORLD);
        // Answers to this rank's threads are interchangeable: whichever thread gets one scores that tile.
        std::int64_t t = -1;
        MPI_Request answer;
        MPI_Irecv(&t, 1, MPI_INT64_T, 0, kAnswerTag, MPI_COMM_WORLD, &answer);
        wait_idle(answer);
        return t;
    }

    void send(std::int64_t t, const SharedTile& tile) override {
        thread_local std::vector<char> bytes;  // one per worker thread: several send at once
        encode(tile, bytes);
        if (bytes.size() > static_cast<size_t>(INT_MAX))
            throw Error("a tile is too large to send between ranks (" + std::to_string(bytes.size() >> 20) + " MB)", {},
                        "use a smaller --tile-size (e.g. 1024)");
        MPI_Request sent;
        MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, static_cast<int>(t + kFirstTileTag),
                  MPI_COMM_WORLD, &sent);
        wait_idle(sent);
    }

    void finish() override { MPI_Send(&kDone, 1, MPI_INT64_T, 0, kRequestTag, MPI_COMM_WORLD); }

    // Polls for tile t from the rank that took it, for requests, and for a failure from any rank, so that a
    // local failure (stop) ends the wait.
    Received receive(std::int64_t t, SharedTile& tile, const std::atomic<bool>& stop) override {
        for (int idle = 0;; ++idle) {
            check_failure();
            const bool served = serve();
            const int from = owner_[static_cast<size_t>(t)].load(std::memory_order_acquire);
            if (from == 0) return Received::own;
            int flag = 0;
            MPI_Status st;
            if (from > 0) MPI_Iprobe(from, static_cast<int>(t + kFirstTileTag), MPI_COMM_WORLD, &flag, &st);
            if (flag) {
                int n = 0;
                MPI_Get_count(&st, MPI_BYTE, &n);
                buffer_.resize(static_cast<size_t>(n));
                MPI_Recv(buffer_.data(), n, MPI_BYTE, from, static_cast<int>(t + kFirstTileTag), MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                shares_[static_cast<size_t>(from)].bytes += n;
                decode(buffer_, tile);
                return Received::tile;
            }
            if (stop) return Received::stopped;
            if (served) idle = 0;
            pause_after(idle);
        }
    }

    void close(const std::atomic<bool>& stop) override {
        for (int idle = 0; done_ < ranks_ - 1 && !stop; ++idle) {
            check_failure();
            if (serve()) idle = 0;
            pause_after(idle);
        }
    }

    std::vector<RankShare> shares() const override { return shares_; }

private:
    // Tile after tile to whoever asks first: rank 0's workers here, the other ranks through serve().
    std::int64_t hand_out(int to) {
        const std::int64_t t = next_.fetch_add(1);
        if (t >= tiles_) return -1;
        owner_[static_cast<size_t>(t)].store(to, std::memory_order_release);
        std::lock_guard<std::mutex> lock(shares_mutex_);
        ++shares_[static_cast<size_t>(to)].tiles;
        return t;
    }

    // Answers the requests that have come in; whether there was any.
    bool serve() {
        bool any = false;
        for (;;) {
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(MPI_ANY_SOURCE, kRequestTag, MPI_COMM_WORLD, &flag, &st);
            if (!flag) return any;
            any = true;
            std::int64_t what = kTake;
            MPI_Recv(&what, 1, MPI_INT64_T, st.MPI_SOURCE, kRequestTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (what == kDone) {
                ++done_;
                continue;
            }
            const std::int64_t t = hand_out(st.MPI_SOURCE);
            MPI_Send(&t, 1, MPI_INT64_T, st.MPI_SOURCE, kAnswerTag, MPI_COMM_WORLD);
        }
    }

    void check_failure() {
        MPI_Status st;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, kFailureTag, MPI_COMM_WORLD, &flag, &st);
        if (!flag) return;
        int n = 0;
        MPI_Get_count(&st, MPI_CHAR, &n);
        std::string text(static_cast<size_t>(n), '\0');
        MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, kFailureTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        throw Error("rank " + std::to_string(st.MPI_SOURCE) + " of " + std::to_string(ranks_) + " failed: " + text);
    }

    int rank_, ranks_;
    std::int64_t tiles_;
    std::atomic<std::int64_t> next_{0};
    std::vector<std::atomic<int>> owner_;  // rank 0: who took tile t (-1: nobody yet)
    int done_ = 0;                         // rank 0: ranks that take no more
    std::vector<RankShare> shares_;
    std::mutex shares_mutex_;
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
    if (flag && tiles + kFirstTileTag > *static_cast<int*>(ub))
        throw Error("the grid has " + std::to_string(tiles) + " tiles, more than this MPI can tell apart (" +
                        std::to_string(*static_cast<int*>(ub)) + ")",
                    {}, "use a larger --tile-size");
    return std::make_unique<MpiTileShare>(rank_, ranks_, tiles);
}

void Session::report_failure(const std::string& message) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_CHAR, 0, kFailureTag, MPI_COMM_WORLD);
}

}  // namespace minerisk::mpi
