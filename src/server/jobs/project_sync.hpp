// A job of kind `sync`: a project's git clone or pull (or a local project's
// check), run by a job worker, never inside an HTTP request.
//
// Git runs as the git CLI without a shell, in its own process group, with a
// time limit (kGitTimeLimit; then, or on cancel, the group is killed) and a
// clean environment: PATH, LANG, a HOME of its own under <data>/projects,
// GIT_TERMINAL_PROMPT=0, no system or user git config (so none of the
// server user's credential helpers), only the https/http/ssh/git/file
// transports, and ssh in batch mode. Nothing of the server's environment
// (tokens, DROVER_*) reaches it. A project's credential (credential_id:
// a password or an SSH key) reaches git only through GIT_ASKPASS (a script
// that prints it from git's environment) or GIT_SSH_COMMAND (-i key file),
// both in a 0700 directory removed after the sync; never in the URL, argv,
// the events or the checkout. Each line git prints becomes a `display`
// event of the job (so the job's events and stdout show it), and the last
// 2 KiB become the project's sync_message.
//
// After a clone or pull, and for a local project, the tree is checked for
// symlinks that leave it (project_paths.hpp): then the sync fails and a
// git checkout is removed. The project's sync_state follows the job:
// pending (queued) -> running -> ok | failed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "output/json_lines_callback.hpp"
#include "server/context.hpp"
#include "server/jobs/job_execution.hpp"

namespace drover::server {

inline constexpr std::chrono::minutes kGitTimeLimit{5};

// Why `url` may not be a project's git URL (nullopt: fine). URLs that
// carry a secret are refused rather than kept: git would write the URL
// into the checkout's .git/config, which every job of the project reads,
// and the API shows the URL. A password (https://user:secret@host/...) or,
// for http(s), any user part (GitHub-style https://TOKEN@host/...) is
// refused (the project's credential_id is the place for the secret); so
// is an option-like "-..." or git's ext:: transport. A repository on the
// server's own disk (file://PATH, /PATH) must lie under a project root like
// a local project (or any git repository there, /etc/.git of etckeeper
// say, could be cloned and read). The message never repeats the URL.
std::optional<std::string> git_url_problem(const std::string& url, const ServerOptions& options);

// Runs the sync job of project `project_id`: emits its events to `sink`
// (seq from 1), updates the project's row, returns the job's outcome
// (successful, failed with the reason, canceled).
// Kills the process groups of gits that a server killed mid-sync left
// running (each run_git writes its group down while it runs; a pid reused
// since, with another start time, is left alone). Call at start.
void kill_orphaned_git(const ServerOptions& options);

// Projects left `pending` or `running` with no live sync job (the server
// died during a sync, or a pending sync job was canceled) become `failed`
// ("interrupted"). Call at start, after jobs left running are marked, and
// after a sync job is canceled.
void settle_project_sync_states(store::Database& db);

JobOutcome run_project_sync(ServerContext& ctx, int64_t project_id, const std::atomic<bool>& cancel,
                            const JsonEventSink& sink);

}  // namespace drover::server
