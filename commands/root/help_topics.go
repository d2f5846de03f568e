package root

import "github.com/spf13/cobra"

// helpTopics are `matterctl help <topic>` pages; cobra lists them as additional help topics
// and gen-docs writes them with the commands.
func helpTopics() []*cobra.Command {
	topic := func(name, short, long string) *cobra.Command {
		return &cobra.Command{Use: name, Short: short, Long: long}
	}
	return []*cobra.Command{
		topic("environment", "Environment variables and credential precedence", environmentHelp),
		topic("exit-codes", "Exit codes and what they mean", exitCodesHelp),
		topic("formatting", "Output formats, JSON and jq filters", formattingHelp),
		topic("retries", "Timeouts, and which failed requests are sent again", retriesHelp),
	}
}

const environmentHelp = `Environment variables

  MATTERCTL_URL         Server URL for this run; used together with MATTERCTL_TOKEN.
  MATTERCTL_TOKEN       Personal access token (or session token) for MATTERCTL_URL.
  MATTERCTL_SERVER      Name of a stored profile to use for this run (like --server).
  MATTERCTL_CONFIG      Credentials file (like --config). Default:
                        $XDG_CONFIG_HOME/matterctl/config.json (~/.config/matterctl/config.json).
  MATTERCTL_LOCAL_SOCKET
                        Local-mode socket used with --local
                        (default /var/tmp/mattermost_local.socket).
  MATTERCTL_NO_PROMPT   When set, never prompt, even at a terminal.
  XDG_CONFIG_HOME       Base directory of the credentials file.
  NO_COLOR              Disable colour.
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY
                        Proxy for connections to the server.

Credential precedence (the first that applies wins)

  1. --local                            the local-mode unix socket, no token
  2. --server NAME                      that stored profile, for this call only
  3. MATTERCTL_URL + MATTERCTL_TOKEN    both must be set
  4. MATTERCTL_SERVER=NAME              that stored profile
  5. the current profile                chosen with ` + "`matterctl auth set`" + `

If none applies, commands exit with code 4 and ask you to run ` + "`matterctl auth login`" + `.
matterctl never falls back to local mode on its own.

The credentials file holds one entry per named profile (URL, username, authentication method,
token, TLS options) and which one is current. It is created with mode 0600 in a 0700
directory and written atomically under a lock, so parallel runs never corrupt it.
`

const exitCodesHelp = `Exit codes

  0    success
  1    error (a server error, a network failure, a bad file, …)
  2    usage error: unknown command or flag, missing or invalid arguments, or a value that
       cannot be prompted for because stdin or stdout is not a terminal
  3    partial failure: some of the arguments failed (each failure is on stderr)
  4    not authenticated or not permitted: no credentials, an expired session, a wrong
       password, HTTP 401 or 403
  5    not found: the user, team, profile, … does not exist (HTTP 404)
  130  interrupted (Ctrl-C)

When every argument of a multi-argument command fails, the exit code is that of the failure.
`

const formattingHelp = `Output formats

  --format table   aligned columns with a header; the default on a terminal
  --format plain   tab-separated values, no header, no colour; the default when stdout is
                   not a terminal (pipes, files, scripts)
  --format json    exactly one JSON document: an array for lists ([] when empty), an object
                   for single results; the objects are Mattermost's own API objects
  --format jsonl   one JSON object per line
  --json           the same as --format json
  --jq EXPR        filter the JSON document with a jq expression (built in: no jq needed);
                   strings print raw, like jq -r

Results go to stdout. Success messages, progress, warnings and errors go to stderr, so
stdout holds only the result, also when a command fails part of the way.

Commands that change several objects print one JSON row per argument: "input", "ok", the
object under its kind ("user", "team", …), and "error" when it failed. A failed row has "unknown": true when the change may or
may not have been made (its answer was lost and the server could not be asked); the rows of
create --file say so in their "status" instead.

A list that fails after it began to print (the connection drops at page 8) is never
written as a complete document: the JSON array is left unterminated so that jq and JSON
parsers reject it, --jq prints nothing, and the error goes to stderr with a non-zero exit.
JSON lines and plain output keep the whole lines already written; check the exit status.

Examples

  matterctl auth list --json | jq -r '.[].name'
  matterctl auth list --jq '.[] | select(.current) | .url'
  matterctl api /users --paginate --jq 'length'
  matterctl version --json --jq .server.version
`

const retriesHelp = `Timeouts and retries

--timeout bounds each API request, its retries included (default 30s). A request that takes
longer fails with exit code 1 and a message naming --timeout.

A request that meets a transient failure is sent again, up to 3 more times, after 0.5 s,
1 s, 2 s (with jitter), or after the delay the server's Retry-After header asks for; at most
20 s of waiting in all, and never past --timeout. Transient failures are:

  429 Too Many Requests                    every request: the server (or its proxy) refused
                                           it before acting on it, so it cannot happen twice
  502, 503, 504, a connection reset or     only requests that are safe to repeat (below)
  closed before the answer

Safe to repeat, and sent again:
  - reads: GET, HEAD, and the read-only POSTs (user lookups by name, member lookups, searches)
  - PUTs, which set a value: user activate, deactivate, edit, preference set and
    change-password, roles system-admin and member, team rename and modify, channel rename
    and modify, bot update, webhook modify-incoming and modify-outgoing; but not a password
    change that gives the current password (your own: once made, the password sent as
    current is wrong)
  - adding team and channel members (adding a member twice is adding it once); when the server
    answers none of them (it is restarting), they are sent again every 2 s for up to a minute,
    and a user whose request lost its answer is looked up before being reported failed
  - the POSTs that set a state: bot enable, disable and assign, plugin enable and disable,
    team restore

Not safe to repeat, and not sent again after a 502, 503, 504 or a broken connection: creates
(user, team, channel, bot, webhooks, token generate), permanent deletes and archives (user,
team, channel, webhook delete; team and channel archive), removing members, token revoke,
channel unarchive (the server refuses to restore a channel that is not archived), channel
move, plugin delete, install-url, marketplace install, and plugin add (after a 429 it
streams the file again from the start). A second
attempt could make the change twice (a second channel) or report a success as a failure (a
delete answered 404). A 503 (the server or its proxy unavailable) is reported with its status.
After a broken connection, a 502 or a 504 the server may have acted: the error says that the
server may have made the change; check before re-running. Re-running is safe for the verbs
that check first (adding a member who is already in, archiving an archived channel: "nothing
to do").

webhook send has rules of its own (matterctl webhook send --help): it retries a 503, and not a
post whose answer was lost unless --at-least-once is given.

A connection refused is not retried: it almost always means a wrong URL or a stopped server.
Within a run that the server has already answered, though, it means a restart: adding members
(above) and the rows of create --file (user, team, channel) wait for the server, every 2 s
for up to a minute of silence, and a row whose create lost its answer is looked up once the
server answers: reported created when the server has it, else sent again (the unique names of
users, teams and channels keep it from being made twice), and unknown if the server never
answers.
`
