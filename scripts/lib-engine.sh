# shellcheck shell=bash
# Sourced by scripts/swarm-bed.sh and scripts/tls-engines.sh: starting a dockerd in a network
# namespace of its own and waiting for it, and stopping it, the same way for both. The caller
# defines log and die (its own prefix) and sets -euo pipefail.

proc_is() { # PID NAME: PID is alive and runs NAME (not a zombie, not a recycled PID of another program)
  [[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] || return 1
  local stat
  stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
  [[ $stat =~ ^[0-9]+\ \((.*)\)\ ([A-Za-z]) ]] || return 1
  [[ ${BASH_REMATCH[1]} == "$2" && ${BASH_REMATCH[2]} != [ZX] ]]
}

engine_clear_stale() { # RUN_DIR LABEL: pid files (and containerd's socket) of a dockerd or containerd that died
  local run=$1 pid cdir=$1/exec/containerd
  if [[ -s $run/docker.pid ]]; then
    pid=$(<"$run/docker.pid")
    if ! proc_is "$pid" dockerd; then
      log "removing stale pid file of $2 (process $pid is gone)"
      rm -f "$run/docker.pid"
    fi
  fi
  # A containerd pid file left behind makes the next dockerd wait for a containerd that never answers.
  if [[ -s $cdir/containerd.pid ]] && ! proc_is "$(<"$cdir/containerd.pid")" containerd; then
    rm -f "$cdir/containerd.pid" "$cdir"/containerd.sock*
  fi
}

engine_launch() { # NETNS LOGFILE COMMAND...: COMMAND (a dockerd) inside NETNS, in the background
  local ns=$1 logfile=$2
  shift 2
  # setsid + nohup: the engine outlives this script; 8>&- 9>&-: it must not inherit a lock fd.
  nsenter --net="/var/run/netns/$ns" setsid nohup "$@" >>"$logfile" 2>&1 </dev/null 8>&- 9>&- &
  disown $! 2>/dev/null || true
}

engine_wait() { # TIMEOUT LOGFILE WHAT CHECK...: until CHECK succeeds; after TIMEOUT s the log's tail and "WHAT within TIMEOUTs"
  local timeout=$1 logfile=$2 what=$3
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$logfile" >&2 || true
      die "$what within ${timeout}s"
    fi
    sleep 0.3
  done
}

engine_stop() { # RUN_DIR TRIES: SIGTERM the dockerd of RUN_DIR's pid file, SIGKILL after TRIES × 0.2 s
  local run=$1 pid
  [[ -s $run/docker.pid ]] || return 0
  pid=$(<"$run/docker.pid")
  if proc_is "$pid" dockerd; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq "$2"); do proc_is "$pid" dockerd || break; sleep 0.2; done
    proc_is "$pid" dockerd && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$run/docker.pid"
}
