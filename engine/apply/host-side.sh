# The host-side journal of plumb (engine/apply/host-side.ts): a lock per host for the whole apply, and package
# transactions run under a small detached supervisor that records their exit status and output on the host, so a
# controller that lost the connection, was killed or was stopped can read what happened instead of guessing.
# Sent on standard input after the assignments OP=… and its arguments (quoted by the controller). POSIX sh.
#
# /var/lib/plumbline/host.lock              who holds the host (token=, owner=, pid=, hostname=, start=, boot=,
#                                           expires= in this host's clock), or after release: released=, last=
# /var/lib/plumbline/txn/<run>.<step>/      cmd (the transaction), pid ("pid starttime"), log (its output),
#                                           status ("code epoch", written last, atomically)
set -u
ROOT=/var/lib/plumbline
LOCK="$ROOT/host.lock"
umask 077
mkdir -p "$ROOT/txn"

field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n 1; }

# "pid start" alive with the same start time (a reused pid is another process).
alive() {
  [ -n "$1" ] || return 1
  s=$(cut -d' ' -f22 "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$s" = "$2" ]
}

# Prints every supervised transaction still running: "running <dir> <pid>".
running_txns() {
  for d in "$ROOT"/txn/*; do
    [ -d "$d" ] || continue
    [ -f "$d/status" ] && continue
    [ -f "$d/pid" ] || continue
    read -r p st < "$d/pid" || continue
    if alive "$p" "$st"; then echo "running $d $p"; fi
  done
}

op_lock() {
  exec 9>"$ROOT/host.lock.guard"
  flock -w 10 9 || { echo "error cannot take $ROOT/host.lock.guard"; exit 1; }
  now=$(date +%s)
  held=$(field token "$LOCK")
  if [ -n "$held" ] && [ "$held" != "$TOKEN" ] && [ "$held" != "${REPLACE:-}" ]; then
    exp=$(field expires "$LOCK")
    if [ "${exp:-0}" -gt "$now" ]; then
      echo busy; cat "$LOCK"; echo "now=$now"; running_txns; exit 0
    fi
  fi
  r=$(running_txns)
  if [ -n "$r" ] && [ "$held" != "$TOKEN" ]; then
    echo busy; [ -f "$LOCK" ] && cat "$LOCK"; echo "now=$now"; echo "$r"; exit 0
  fi
  last_release=$(field released "$LOCK"); last_run=$(field last "$LOCK")
  {
    echo "token=$TOKEN"; echo "owner=$OWNER"; echo "pid=$CPID"; echo "hostname=$CHOST"; echo "start=$CSTART"; echo "boot=$CBOOT"
    echo "expires=$((now + TTL))"; echo "released=${last_release:-0}"; echo "last=${last_run:-}"
  } > "$LOCK.tmp" && mv -f "$LOCK.tmp" "$LOCK"
  echo ok; echo "now=$now"; echo "released=${last_release:-0}"; echo "last=${last_run:-}"
  # Transactions of old runs are kept for a week: long enough for any controller to come back and read them.
  find "$ROOT/txn" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} + 2>/dev/null || :
}

op_renew() {
  exec 9>"$ROOT/host.lock.guard"; flock -w 10 9 || exit 1
  [ "$(field token "$LOCK")" = "$TOKEN" ] || { echo lost; cat "$LOCK" 2>/dev/null; exit 0; }
  now=$(date +%s)
  sed "s/^expires=.*/expires=$((now + TTL))/" "$LOCK" > "$LOCK.tmp" && mv -f "$LOCK.tmp" "$LOCK"
  echo ok
}

op_unlock() {
  exec 9>"$ROOT/host.lock.guard"; flock -w 10 9 || exit 1
  [ "$(field token "$LOCK")" = "$TOKEN" ] || { echo lost; exit 0; }
  now=$(date +%s)
  if [ "$CHANGED" = 1 ]; then rel=$now; last=$TOKEN; else rel=$(field released "$LOCK"); last=$(field last "$LOCK"); fi
  { echo "released=${rel:-0}"; echo "last=$last"; } > "$LOCK.tmp" && mv -f "$LOCK.tmp" "$LOCK"
  echo ok
}

# Starts CMD detached from this session (setsid): it outlives the SSH connection and the controller.
op_start() {
  d="$ROOT/txn/$TXN"
  if [ -e "$d" ]; then echo exists; exit 0; fi
  mkdir -p "$d"
  printf '%s\n' "$CMD" > "$d/cmd"
  cat > "$d/supervise" <<'EOS'
d=$1
echo "$$ $(cut -d' ' -f22 /proc/$$/stat)" > "$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"
sh "$d/cmd" > "$d/log" 2>&1 < /dev/null
code=$?
echo "$code $(date +%s)" > "$d/status.tmp"
sync "$d/status.tmp" "$d/log" 2>/dev/null || sync
mv -f "$d/status.tmp" "$d/status"
sync "$d" 2>/dev/null || sync
EOS
  setsid -f sh "$d/supervise" "$d" < /dev/null > /dev/null 2>&1
  echo started
}

# Waits for a transaction to end; prints "status CODE", "lost" (its supervisor died without a status: a reboot, a
# kill) or "never-started", then "---" and the end of its output.
op_wait() {
  d="$ROOT/txn/$TXN"; i=0
  while :; do
    if [ -f "$d/status" ]; then set -- $(cat "$d/status"); echo "status $1"; break; fi
    if [ -f "$d/pid" ]; then
      read -r p st < "$d/pid"
      if ! alive "$p" "$st"; then [ -f "$d/status" ] && continue; echo lost; break; fi
    else
      i=$((i + 1)); [ "$i" -gt 100 ] && { echo never-started; break; }
    fi
    sleep 0.1
  done
  echo ---
  tail -c "${TAIL:-65536}" "$d/log" 2>/dev/null || :
}

# Every transaction of one run: "txn <step> <state> <code>", state = running | done | lost.
op_status() {
  for d in "$ROOT"/txn/"$RUN".*; do
    [ -d "$d" ] || continue
    step=${d##*.}
    if [ -f "$d/status" ]; then set -- $(cat "$d/status"); echo "txn $step done $1"
    elif [ -f "$d/pid" ] && { read -r p st < "$d/pid"; alive "$p" "$st"; }; then echo "txn $step running -"
    else echo "txn $step lost -"; fi
  done
}

case "$OP" in
  lock) op_lock ;;
  renew) op_renew ;;
  unlock) op_unlock ;;
  start) op_start ;;
  wait) op_wait ;;
  status) op_status ;;
  *) echo "unknown op $OP" >&2; exit 2 ;;
esac
