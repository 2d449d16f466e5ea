// A throwaway PostgreSQL + PostGIS server for one test (docs/testing.md): initdb into a fresh folder, started
// with no TCP port (listen_addresses='') and its Unix socket in that folder, password authentication required
// for every connection (scram-sha-256 in pg_hba.conf, so a test that connects with a password really uses
// it), stopped and removed by the destructor - also when the test fails. PostgreSQL refuses to run as root:
// as root the server's programs run as the 'postgres' user (runuser), which owns the folder.
//
// The programs come from PostgreSQL's own folder (/usr/lib/postgresql/<version>/bin, the newest), or
// MINERISK_PG_BINDIR. Without them the constructor throws with a message naming scripts/install-deps.sh
// --test: the test fails, it is never skipped in silence.
#pragma once
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace minerisk::test {

// The output of a shell command (stdout and stderr) and its exit status.
struct CommandResult {
    int status = -1;
    std::string output;
};

inline CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return r;
}

// 'text' for a POSIX shell.
inline std::string shell_quote(const std::string& text) {
    std::string q = "'";
    for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

class PostgresServer {
public:
    // A server with the superuser 'admin', the role `user` (password `password`, a login) and the database
    // `dbname` it owns, with the postgis extension.
    PostgresServer(const std::string& user, const std::string& password, const std::string& dbname)
        : user_(user), password_(password), dbname_(dbname) {
        // A constructor that throws runs no destructor: the server is stopped and its folder removed here.
        try {
            start();
        } catch (...) {
            stop();
            throw;
        }
    }

    ~PostgresServer() { stop(); }
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // The folder of the server's socket: libpq's host=.
    const std::string& socket_dir() const { return dir_; }
    const std::string& bindir() const { return bindir_; }

    // "PG:host=<socket folder> dbname=... user=... password=<password>" (GDAL's PostgreSQL driver).
    std::string connection(const std::string& password) const {
        return "PG:host=" + dir_ + " dbname=" + dbname_ + " user=" + user_ + " password=" + password;
    }

    // SQL as the role `user` in the test's database; the psql output on failure.
    void sql(const std::string& statement) const {
        run_or_throw("PGPASSWORD=" + shell_quote(password_) + " " + shell_quote(bindir_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " + shell_quote(dir_) +
                         " -U " + user_ + " -d " + dbname_ + " -c " + shell_quote(statement),
                     "psql: " + statement);
    }

    // The rows of a query as the role `user`, unaligned: one row a line, columns separated by '|'.
    std::string query(const std::string& statement) const {
        const CommandResult r = run_command("cd / && PGPASSWORD=" + shell_quote(password_) + " " + shell_quote(bindir_ + "/psql") +
                                            " -X -q -A -t -v ON_ERROR_STOP=1 -h " + shell_quote(dir_) + " -U " + user_ +
                                            " -d " + dbname_ + " -c " + shell_quote(statement));
        if (r.status != 0) throw std::runtime_error("psql: " + statement + ": " + r.output);
        std::string out = r.output;
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

private:
    void start() {
        bindir_ = find_bindir();
        if (bindir_.empty())
            throw std::runtime_error(
                "PostgreSQL's server programs (initdb, pg_ctl) are not installed: this test starts a real PostGIS "
                "server. Install them with scripts/install-deps.sh --test (Debian: postgresql-15 "
                "postgresql-15-postgis-3), or name their folder in MINERISK_PG_BINDIR");
        // A short path of its own: a Unix socket's path may not exceed 107 bytes.
        char tmpl[] = "/tmp/minerisk-pg.XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot make a folder for the PostgreSQL server");
        dir_ = tmpl;
        ::chmod(dir_.c_str(), 0755);  // the 'postgres' user must reach the data folder and the socket
        std::filesystem::create_directories(data_dir());
        as_server_ = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
        const std::string pwfile = dir_ + "/admin.pw";
        std::ofstream(pwfile) << admin_password_ << "\n";
        if (::geteuid() == 0) {
            run_or_throw("chown -R postgres: " + shell_quote(dir_), "giving the server's folder to 'postgres'");
        }
        run_or_throw(as_server_ + shell_quote(bindir_ + "/initdb") + " -D " + shell_quote(data_dir()) +
                         " -U admin --pwfile=" + shell_quote(pwfile) +
                         " --auth=scram-sha-256 -E UTF8 --no-locale --no-sync",
                     "initdb");
        std::filesystem::remove(pwfile);
        // Only the Unix socket, only password logins (initdb's --auth wrote scram-sha-256 for every line;
        // written again so that the rule does not depend on initdb's defaults).
        std::ofstream(data_dir() + "/pg_hba.conf") << "local all all scram-sha-256\n";
        run_or_throw(as_server_ + shell_quote(bindir_ + "/pg_ctl") + " -D " + shell_quote(data_dir()) + " -l " +
                         shell_quote(data_dir() + "/server.log") + " -w -t 60 -o " +
                         shell_quote("-c listen_addresses='' -c unix_socket_directories='" + dir_ +
                                     "' -c fsync=off") +
                         " start",
                     "starting the server (pg_ctl start)");
        started_ = true;
        admin_sql("postgres", "CREATE ROLE " + user_ + " LOGIN PASSWORD '" + password_ + "'");
        admin_sql("postgres", "CREATE DATABASE " + dbname_ + " OWNER " + user_);
        admin_sql(dbname_, "CREATE EXTENSION postgis");
    }

    void stop() {
        if (started_)
            run_command("cd / && " + as_server_ + shell_quote(bindir_ + "/pg_ctl") + " -D " + shell_quote(data_dir()) +
                        " -m immediate -w stop");
        started_ = false;
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }

    static std::string find_bindir() {
        namespace fs = std::filesystem;
        if (const char* env = std::getenv("MINERISK_PG_BINDIR"))
            return fs::exists(fs::path(env) / "initdb") ? env : "";
        std::string best;
        int best_version = -1;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
            const std::string v = e.path().filename().string();
            if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) continue;
            if (fs::exists(e.path() / "bin" / "initdb") && fs::exists(e.path() / "bin" / "pg_ctl") &&
                std::stoi(v) > best_version)
                best = (e.path() / "bin").string(), best_version = std::stoi(v);
        }
        return best;
    }

    std::string data_dir() const { return dir_ + "/data"; }

    void admin_sql(const std::string& db, const std::string& statement) const {
        run_or_throw("PGPASSWORD=" + shell_quote(admin_password_) + " " + shell_quote(bindir_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " +
                         shell_quote(dir_) + " -U admin -d " + db + " -c " + shell_quote(statement),
                     "psql: " + statement);
    }

    void run_or_throw(const std::string& command, const std::string& what) const {
        // From a folder the 'postgres' user can enter (runuser keeps the working directory).
        const CommandResult r = run_command("cd / && " + command);
        if (r.status == 0) return;
        std::string log;
        std::ifstream in(data_dir() + "/server.log");
        std::getline(in, log, '\0');
        throw std::runtime_error(what + " failed (exit " + std::to_string(r.status) + "): " + r.output +
                                 (log.empty() ? "" : "\nserver log:\n" + log));
    }

    std::string user_, password_, dbname_;
    std::string admin_password_ = "minerisk-test-admin";
    std::string bindir_, dir_, as_server_;
    bool started_ = false;
};

}  // namespace minerisk::test
