# Plumbline facts, one round trip: read by `sh` from standard input on the host, with the request inside, the facts
# on standard output (format in engine/facts/README.md); its helpers are in gather-lib.sh, unit states in
# gather-units.sh. POSIX sh only: it must work with dash and busybox sh. Every tool is optional: a missing one turns
# its fact into an "unknown" record, never an abort. Request values are data: they are
# checked against a character set, always quoted or split on newlines with globbing off, never evaluated.
# Cost: a fleet runs this on every host at once and each process costs about a millisecond of CPU, so every tool runs
# once per kind of fact with all items as arguments (never once per item), and builtins read what they can.
# Framing: tool output leaves raw, preceded by its byte length; file contents leave raw at the very end, framed by
# their stat sizes and checked against their sha256 by the parser; base64 only carries what has no safe frame.

LC_ALL=C
export LC_ALL
set -f
TAB='	'
NL='
'
WS=" $TAB$NL"
IFS=$WS
MAXCONTENT=262144

# REQ, the request (one tab-separated line per item), is set before this script by gatherInput, as a quoted literal:
# data, never evaluated. The whole input is one { … } </dev/null group, so the shell reads all of it before anything
# runs, and no tool can eat the rest of the script from standard input.

# The time comes later, from the stat call (see there), or from date when there is no stat.
printf '{"t":"begin","v":3}\n'

# --- kernel, machine: /proc/sys strings honour reads at an offset, so the read builtin gets them whole ---
k=''
if [ -r /proc/sys/kernel/osrelease ]; then read -r k </proc/sys/kernel/osrelease || :; fi
if ! word "$k" && have uname; then k=$(uname -r 2>/dev/null); fi
if word "$k"; then printf '{"t":"kernel","value":"%s"}\n' "$k"
elif have uname; then unknown kernel 'uname -r gave no usable answer'
else unknown kernel 'no /proc/sys/kernel/osrelease and uname not installed'; fi
m=''
if [ -r /proc/sys/kernel/arch ]; then read -r m </proc/sys/kernel/arch || :; fi
if ! word "$m" && have uname; then m=$(uname -m 2>/dev/null); fi
if word "$m"; then printf '{"t":"machine","value":"%s"}\n' "$m"; fi

# --- packages (dpkg); the parser takes the architecture from the dpkg package, which is what dpkg prints ---
if have dpkg-query; then
  printf '{"t":"platform","value":"apt"}\n'
  # ${source:Package} needs dpkg >= 1.21; older ones fall back to the raw Source field.
  if out=$(dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n' 2>/dev/null); then
    raw '{"t":"packages","format":"source"' "$out"
  elif out=$(dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${Source}\n' 2>/dev/null); then
    raw '{"t":"packages","format":"legacy"' "$out"
  else unknown packages 'dpkg-query failed (unreadable package database?)'; fi
elif have rpm; then printf '{"t":"platform","value":"rpm"}\n'; unknown packages 'rpm hosts are not supported yet'
else unknown packages 'dpkg-query not installed'; fi

# --- the request, sorted into lists; tools run later, once per list ---
METAS=''   # existing requested paths: one stat, with every directory above them
CONTENT='' # files shipped whole (os-release, reboot-required.pkgs, `content` requests)
SETS=''    # settings files, "file<TAB>syntax"
SPACE=''   # sshd-style settings files, "base<TAB>file"
KEYS=''    # the keys asked of settings files, "file<TAB>key<TAB>hash|plain"
RFILES=''  # files read redacted by gather-nofollow.pl, "file<TAB>the settings file whose keys are asked"
SETTOP=''  # files whose key lines are read plainly, "file<TAB>settings file<TAB>syntax"
KPAT=''    # "settings file<TAB>case pattern of one of its keys"
UNITS=''
SYSCTL=''  # "key<TAB>/proc/sys/…"
SYSKEYS='' # the sysctl keys alone, for the boot-time configuration
MODULES='' # kernel modules whose modprobe configuration is asked
IFS=$NL
for line in $REQ; do
  IFS=$TAB
  set -- $line
  IFS=$NL
  kind=$1; a=${2-}; b=${3-}; c=${4-}
  case $kind in
    file | content | settings | key)
      case $a in /*) ;; *) unknown request 'path is not absolute'; continue ;; esac
      case $a in *[!A-Za-z0-9._@+,=/-]*) unknown request 'path has characters outside the allowed set'; continue ;; esac
      ;;
    service) case $a in '' | *[!A-Za-z0-9@._:-]*) unknown request 'unit name has characters outside the allowed set'; continue ;; esac ;;
    sysctl)
      case $a in '' | *[!A-Za-z0-9._/-]*) unknown request 'sysctl key has characters outside the allowed set'; continue ;; esac
      case $b in /proc/sys/*) ;; *) unknown request 'sysctl path is not under /proc/sys'; continue ;; esac
      case $b in *[!A-Za-z0-9._/-]* | */../* | */..) unknown request 'sysctl path has characters outside the allowed set'; continue ;; esac
      ;;
    module) case $a in '' | *[!A-Za-z0-9_-]*) unknown request 'module name has characters outside the allowed set'; continue ;; esac ;;
    *) unknown request 'unknown request kind'; continue ;;
  esac
  case $kind in
    file)
      has "$METAS" "$a" && continue
      if [ ! -e "$a" ] && [ ! -L "$a" ]; then printf '{"t":"file","path":"%s","exists":false}\n' "$a"; continue; fi
      printf '{"t":"file","path":"%s","exists":true}\n' "$a"
      METAS="$METAS$a$NL"
      ;;
    content) has "$CONTENT" "$a" || CONTENT="$CONTENT$a$NL" ;;
    settings)
      case $b in space | equals) ;; *) unknown request 'unknown settings syntax'; continue ;; esac
      has "$SETS" "$a$TAB$b" || SETS="$SETS$a$TAB$b$NL"
      if [ "$b" = space ]; then
        case $c in /*) ;; *) c=/etc/ssh ;; esac
        case $c in *[!A-Za-z0-9._@+,=/-]*) c=/etc/ssh ;; esac
        has "$SPACE" "$c$TAB$a" || SPACE="$SPACE$c$TAB$a$NL"
      fi
      ;;
    key)
      case $b in '' | *[!A-Za-z0-9_.-]*) unknown request 'setting key has characters outside the allowed set'; continue ;; esac
      case $c in hash | plain) ;; *) unknown request 'unknown key mode'; continue ;; esac
      KEYS="$KEYS$a$TAB$b$TAB$c$NL"
      # One key whose value may leave only as a hash: the whole file is read redacted, never sent.
      if [ "$c" = hash ] && ! has "$RFILES" "$a$TAB$a"; then RFILES="$RFILES$a$TAB$a$NL"; fi
      ;;
    service) has "$UNITS" "$a" || UNITS="$UNITS$a$NL" ;;
    sysctl) has "$SYSCTL" "$a$TAB$b" || { SYSCTL="$SYSCTL$a$TAB$b$NL"; SYSKEYS="$SYSKEYS$a$NL"; } ;;
    module) has "$MODULES" "$a" || MODULES="$MODULES$a$NL" ;;
  esac
done
# The settings files read plainly, and a case pattern per key (sshd keywords in any case, `=` keys exactly).
for e in $SETS; do
  f=${e%%"$TAB"*}
  rtop "$f" && continue
  SETTOP="$SETTOP$f$TAB$e$NL"
  for k in $KEYS; do
    case $k in "$f$TAB"*) ;; *) continue ;; esac
    k=${k#*"$TAB"}
    k=${k%%"$TAB"*}
    case $e in *"${TAB}space") ci "$k"; KPAT="$KPAT$f$TAB$CI$NL" ;; *) KPAT="$KPAT$f$TAB$k$NL" ;; esac
  done
done

# --- operating system, reboot: their files travel with the other contents ---
OSR=''
for f in /etc/os-release /usr/lib/os-release; do if [ -r "$f" ]; then OSR=$f; break; fi; done
# Debian's /etc/os-release links to /usr/lib/os-release: name the file itself, so that it can be bundled.
if [ "$OSR" = /etc/os-release ] && [ -L "$OSR" ] && [ "$OSR" -ef /usr/lib/os-release ]; then OSR=/usr/lib/os-release; fi
if [ -z "$OSR" ]; then unknown os 'no readable /etc/os-release'
else
  printf '{"t":"os","path":"%s"}\n' "$OSR"
  has "$CONTENT" "$OSR" || CONTENT="$CONTENT$OSR$NL"
fi
if [ -e /run/reboot-required ]; then
  printf '{"t":"reboot","required":true}\n'
  if [ -r /run/reboot-required.pkgs ] && ! has "$CONTENT" /run/reboot-required.pkgs; then CONTENT="$CONTENT/run/reboot-required.pkgs$NL"; fi
else printf '{"t":"reboot","required":false}\n'; fi

# --- services, first pass: what the unit directories settle by themselves, and which unit files the grep must read ---
unit_dirs
STATES='' # "unit<TAB>state<TAB>how it was found"
PENDING='' # "unit<TAB>unit file": settled by links and [Install] after the grep
ASK=''
UFILES=''
for u in $UNITS; do
  if ! unit_exists "$u"; then STATES="$STATES$u${TAB}not-found${TAB}files$NL"; continue; fi
  unit_classify "$u"
  case $UCLASS in
    state\ *) STATES="$STATES$u$TAB${UCLASS#state }${TAB}files$NL" ;;
    install\ *) PENDING="$PENDING$u$TAB${UCLASS#install }$NL"; UFILES="$UFILES${UCLASS#install }$NL" ;;
    *) ASK="$ASK$u$NL" ;;
  esac
done

# --- one grep reads every sysctl value, every settings file (for its Include lines) and the unit files above ---
HAVE_GREP=''
if have grep; then HAVE_GREP=1; fi
ARGS=''
if [ -d /proc/sys ]; then
  for s in $SYSCTL; do
    p=${s#*"$TAB"}
    if [ -e "$p" ] && [ -r "$p" ] && ! has "$ARGS" "$p"; then ARGS="$ARGS$p$NL"; fi
  done
fi
# Settings files (never through a link at their own name; a link above them is caught by the stat listing below).
for e in $SETS; do
  f=${e%%"$TAB"*}
  if [ -f "$f" ] && [ -r "$f" ] && [ ! -L "$f" ] && ! has "$ARGS" "$f"; then ARGS="$ARGS$f$NL"; fi
done
for f in $UFILES; do has "$ARGS" "$f" || ARGS="$ARGS$f$NL"; done
GREPPED=''
SETLINES='' # "file:line" of the settings files read plainly: only lines that set a key asked for, Include and Match
if [ -n "$HAVE_GREP" ] && [ -n "$ARGS" ]; then GREPPED=$(grep -H '' -- $ARGS 2>/dev/null); fi
# Keep only lines that can matter, in one pass, since several loops below read the rest: sysctl values, and lines
# whose text starts with [ I i W R A U D . or a blank (sections, Include, [Install] keys) or ends with a backslash.
if [ -n "$GREPPED" ]; then
  kept=''
  for l in $GREPPED; do
    case $l in /proc/sys/* | *:[[IiWRAUD.\ \	]* | *\\) kept="$kept$l$NL" ;; esac
    setline "$l"
  done
  GREPPED=$kept
fi

scan_includes
# Without grep, `=` files are read by the read builtin (sshd-style ones were, for their Include lines).
if [ -z "$HAVE_GREP" ]; then
  for e in $SETS; do
    case $e in *"${TAB}equals") ;; *) continue ;; esac
    f=${e%%"$TAB"*}
    rtop "$f" && continue
    [ -f "$f" ] && [ -r "$f" ] && [ ! -L "$f" ] || continue
    while IFS= read -r l || [ -n "$l" ]; do setline "$f:$l"; done <"$f"
  done
fi

# --- sysctl: values from the grep above (not the read builtin: numeric /proc/sys files answer only a first read) ---
for s in $SYSCTL; do
  key=${s%%"$TAB"*}; p=${s#*"$TAB"}
  if [ ! -d /proc/sys ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"no /proc/sys"}\n' "$key"; continue; fi
  if [ ! -e "$p" ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"no such key"}\n' "$key"; continue; fi
  if [ ! -r "$p" ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"not readable"}\n' "$key"; continue; fi
  v=''
  if [ -n "$HAVE_GREP" ]; then
    for l in $GREPPED; do case $l in "$p:"*) v="$v ${l#"$p:"}" ;; esac; done
  elif have cat; then v=$(cat -- "$p" 2>/dev/null) || v=''
  elif have sysctl; then v=$(sysctl -n -- "$key" 2>/dev/null) || v=''
  else printf '{"t":"sysctl","key":"%s","value":null,"reason":"neither grep, cat nor sysctl installed"}\n' "$key"; continue; fi
  IFS=$WS
  set -- $v
  v="$*"
  IFS=$NL
  if [ -z "$v" ] || word "$v"; then printf '{"t":"sysctl","key":"%s","value":"%s"}\n' "$key" "$v"
  else printf '{"t":"sysctl","key":"%s","value":null,"reason":"unexpected characters"}\n' "$key"; fi
done

# --- what holds at boot: the sysctl and modprobe configuration files, one grep each, only the lines of what is asked ---
# systemd-sysctl reads these directories (and Debian's /etc/sysctl.d/99-sysctl.conf links to /etc/sysctl.conf);
# /lib is /usr/lib on merged-/usr systems, so it is not read twice. Only root can write there: links are followed as
# the boot does, and only `key = value` lines of the keys asked (modprobe: install and blacklist lines of the
# modules asked) leave the host, whatever a file holds.
bootlines() { # $1 record type, $2 grep pattern, $3 the names asked, $4 which word is the name (key|module), then the files
  t=$1; pat=$2; names=$3; which=$4
  shift 4
  set +f
  fs=''
  for f in $*; do [ -f "$f" ] && fs="$fs$f$NL"; done
  set -f
  # A link to another file read anyway (Debian's 99-sysctl.conf → ../sysctl.conf) is read once, as that file.
  args=''
  for f in $fs; do
    if [ -L "$f" ]; then
      dup=''
      for g in $fs; do if [ "$g" != "$f" ] && [ ! -L "$g" ] && [ "$f" -ef "$g" ]; then dup=1; break; fi; done
      [ -n "$dup" ] && continue
    fi
    args="$args$f$NL"
  done
  out=''
  if [ -n "$args" ] && [ -n "$HAVE_GREP" ]; then out=$(grep -H -E -- "$pat" $args 2>/dev/null)
  elif [ -n "$args" ]; then
    # Without grep, the read builtin (these files are a few lines each); the filter below keeps the same lines.
    for f in $args; do while IFS= read -r l || [ -n "$l" ]; do out="$out$f:$l$NL"; done <"$f"; done
  fi
  kept=''
  for l in $out; do
    case $l in *.conf:*) tx=${l#*.conf:} ;; *) continue ;; esac
    if [ "$which" = key ]; then
      case $tx in *=*) ;; *) continue ;; esac
      n=${tx%%=*}
      IFS=$WS
      set -- $n
      IFS=$NL
      n=${1-}
    else
      IFS=$WS
      set -- $tx
      IFS=$NL
      case ${1-} in install | blacklist) ;; *) continue ;; esac
      n=${2-}
    fi
    has "$names" "$n" && kept="$kept$l$NL"
  done
  raw "{\"t\":\"$t\"" "$kept"
}
if [ -n "$SYSKEYS" ]; then bootlines sysctlboot '^[[:space:]]*[A-Za-z0-9_./-]+[[:space:]]*=' "$SYSKEYS" key /etc/sysctl.d/*.conf /run/sysctl.d/*.conf /usr/local/lib/sysctl.d/*.conf /usr/lib/sysctl.d/*.conf /etc/sysctl.conf; fi
if [ -n "$MODULES" ]; then bootlines modprobe '^[[:space:]]*(install|blacklist)[[:space:]]' "$MODULES" module /etc/modprobe.d/*.conf /run/modprobe.d/*.conf /usr/local/lib/modprobe.d/*.conf /usr/lib/modprobe.d/*.conf /etc/modprobe.conf; fi

# --- listening sockets ---
if have ss; then
  if out=$(ss -H -t -u -l -n -p 2>/dev/null) || out=$(ss -t -u -l -n 2>/dev/null); then raw '{"t":"listening"' "$out"
  else unknown listening 'ss failed'; fi
else unknown listening 'ss not installed'; fi

up=''
if [ -r /proc/uptime ]; then IFS=$WS read -r up rest </proc/uptime || :; fi
case $up in '' | *[!0-9.]*) unknown uptime 'no readable /proc/uptime' ;; *) printf '{"t":"uptime","seconds":"%s"}\n' "$up" ;; esac

# --- file metadata and contents ---
HAVE_STAT=''
if have stat; then HAVE_STAT=1; fi
HAVE_CAT=''
if have cat; then HAVE_CAT=1; fi
HAVE_PERL=''
if have perl; then HAVE_PERL=1; fi
if { [ -z "$HAVE_STAT" ] || [ -z "$HAVE_CAT" ]; } && [ -z "$HAVE_PERL" ]; then unknown contents 'neither stat and cat nor perl available'; fi
# What stat describes: the requested paths, the files whose text is read, and every directory above them.
DIRS=''
LIST=$METAS
for f in $CONTENT; do if plain "$f" && ! has "$LIST" "$f"; then LIST="$LIST$f$NL"; fi; done
for e in $SETTOP; do f=${e%%"$TAB"*}; if plain "$f" && ! has "$LIST" "$f"; then LIST="$LIST$f$NL"; fi; done
for f in $LIST; do ancestors "$f"; done
ST=''
LINKGLOBS=''
if [ -n "$PENDING" ]; then unit_link_globs; fi
if [ -n "$HAVE_STAT" ]; then
  # One line per path: mode:size:type:uid:owner:group:ctime:path (names from passwd and group never hold a colon),
  # and for links "path -> target". Globbing is on for the unit directories only: the other paths are plain.
  # /proc/self/ is stat's own process directory, made as stat looks it up: its ctime is the host's clock now, which
  # spares a date process.
  set +f
  ST=$(QUOTING_STYLE=literal stat -c '%a:%s:%F:%u:%U:%G:%Z:%N' -- /proc/self/ / $DIRS $LIST $LINKGLOBS 2>/dev/null)
  set -f
  raw '{"t":"stat"' "$ST"
fi
case $ST in *:/proc/self/*) ;; *)
  NOW=''
  if have date; then NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null); fi
  case $NOW in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) printf '{"t":"time","value":"%s"}\n' "$NOW" ;; esac
  ;;
esac
# The listing, read once: files by type and size (STLIST), and the directories only root cannot be alone to change
# (UNTRUSTED: not a directory, not owned by uid 0, or writable by group or others).
STLIST=''
UNTRUSTED=''
for l in $ST; do
  IFS=:
  set -- $l
  IFS=$NL
  [ $# -ge 8 ] || continue
  n=$l
  for i in 1 2 3 4 5 6 7; do n=${n#*:}; done
  n=${n%%" -> "*}
  case $3 in regular*) ty=regular ;; directory) ty=directory ;; symbolic\ link) ty=symlink ;; *) ty=other ;; esac
  if [ "$n" = / ] || has "$DIRS" "$n"; then
    if [ "$ty" != directory ] || [ "$4" != 0 ]; then UNTRUSTED="$UNTRUSTED$n$NL"
    else case $1 in *[2367] | *[2367]?) UNTRUSTED="$UNTRUSTED$n$NL" ;; esac; fi
  fi
  has "$LIST" "$n" && STLIST="$STLIST$n$TAB$ty$TAB$2$NL"
done

# Who reads what. Files in a tree only root can change are read here (grep, cat, sha256sum); the others, and every
# file read redacted, by gather-nofollow.pl: a walk from / through descriptors opened with O_NOFOLLOW.
PERLREQ='' # its request lines
PDONE=''   # paths whose sha256 it sends
SUMS=''
BUNDLE=''
LREAD=''   # settings files whose lines (SETLINES) are sent
pread() { # $1 kind (c, h, r), $2 path, $3 settings file, $4 syntax
  if [ -z "$HAVE_PERL" ]; then
    case $1 in
      h) ;;
      r) printf '{"t":"content_unknown",%s,"reason":"perl is needed to read it (a directory above it others can change, a secret in it, or no stat)"}\n' "$(jpath path "$2")" ;;
      *) printf '{"t":"content_unknown",%s,"reason":"perl is needed to read it (a directory above it others can change, or no stat and cat)"}\n' "$(jpath path "$2")" ;;
    esac
    return 0
  fi
  PERLREQ="$PERLREQ$1$TAB${3-}$TAB${4-}$TAB$2$NL"
  PDONE="$PDONE$2$NL"
}
syntaxof() { SY=space; for so in $SETS; do case $so in "$1$TAB"*) SY=${so#*"$TAB"}; return 0 ;; esac; done; }
for e in $RFILES; do
  f=${e%%"$TAB"*}
  syntaxof "${e#*"$TAB"}"
  pread r "$f" "${e#*"$TAB"}" "$SY"
done
for e in $SETTOP; do
  f=${e%%"$TAB"*}
  e=${e#*"$TAB"}
  if ! plain "$f" || [ -z "$HAVE_STAT" ]; then
    [ -f "$f" ] && pread r "$f" "${e%%"$TAB"*}" "${e#*"$TAB"}"
    continue
  fi
  statof "$f" || continue
  case $SF in
    regular)
      if trusted "$f"; then LREAD="$LREAD$f$NL"
      else pread r "$f" "${e%%"$TAB"*}" "${e#*"$TAB"}"; fi
      ;;
    symlink) printf '{"t":"content_unknown","path":"%s","reason":"is a symbolic link; plumb does not follow links"}\n' "$f" ;;
    *) printf '{"t":"content_unknown","path":"%s","reason":"is not a regular file"}\n' "$f" ;;
  esac
done
for f in $CONTENT; do
  if [ -n "$HAVE_STAT" ] && plain "$f" && statof "$f"; then
    case $SF in
      regular) if [ -n "$HAVE_CAT" ] && trusted "$f"; then BUNDLE="$BUNDLE$f$NL"; has "$SUMS" "$f" || SUMS="$SUMS$f$NL"; else pread c "$f"; fi ;;
      symlink) printf '{"t":"content_unknown","path":"%s","reason":"is a symbolic link; plumb does not follow links"}\n' "$f" ;;
    esac
  elif [ -f "$f" ] && [ ! -L "$f" ]; then pread c "$f"; fi
done
for f in $METAS; do
  has "$PDONE" "$f" && continue
  has "$SUMS" "$f" && continue
  if [ -n "$HAVE_STAT" ]; then
    statof "$f" && [ "$SF" = regular ] || continue
    if trusted "$f"; then SUMS="$SUMS$f$NL"; else pread h "$f"; fi
  elif [ -f "$f" ] && [ ! -L "$f" ]; then pread h "$f"; fi
done

# --- services: links from the stat listing, [Install] sections from the grep; systemctl for what is left ---
if [ -n "$PENDING" ]; then
  for e in $PENDING; do
    u=${e%%"$TAB"*}
    USTATE=ask
    if [ -n "$ST" ] && ! unit_linked "$u"; then unit_install "$u" "${e#*"$TAB"}"; fi
    if [ "$USTATE" = ask ]; then ASK="$ASK$u$NL"; else STATES="$STATES$u$TAB$USTATE${TAB}files$NL"; fi
  done
fi
if [ -n "$ASK" ]; then
  if have systemctl; then
    # --root reads unit files and links only, so it answers without a running systemd (containers, chroots). It prints
    # one line per unit it could answer for: the lines map to the units only when there is one for each.
    out=$(systemctl --root=/ is-enabled -- $ASK 2>/dev/null)
    set -- $out
    count "$ASK"
    if [ $# -ne $n ]; then
      set --
      for u in $ASK; do s=$(systemctl --root=/ is-enabled -- "$u" 2>/dev/null); set -- "$@" "${s%%"$NL"*}"; done
    fi
    for u in $ASK; do
      s=$1
      shift
      case $s in
        enabled | enabled-runtime | linked | linked-runtime | alias | masked | masked-runtime | static | indirect | disabled | generated | transient) STATES="$STATES$u$TAB$s${TAB}systemctl$NL" ;;
        *) STATES="$STATES$u$TAB$(unit_state "$u")${TAB}approximation$NL" ;;
      esac
    done
  else
    for u in $ASK; do STATES="$STATES$u$TAB$(unit_state "$u")${TAB}approximation$NL"; done
  fi
fi
if [ -n "$UNITS" ]; then
  # Only a running systemd knows what is active; is-active answers every unit (unknown ones: inactive).
  ACTIVE=''
  if [ -d /run/systemd/system ] && have systemctl; then
    ACTIVE=$(systemctl is-active -- $UNITS 2>/dev/null)
    set -- $ACTIVE
    count "$UNITS"
    if [ $# -ne $n ]; then ACTIVE=''; fi
  fi
  set -- $ACTIVE
  for u in $UNITS; do
    a=unknown
    if [ -n "$ACTIVE" ]; then
      case $1 in active | inactive | failed | activating | deactivating | reloading) a=$1 ;; esac
      shift
    fi
    st=''
    for s in $STATES; do case $s in "$u$TAB"*) st=${s#*"$TAB"}; break ;; esac; done
    printf '{"t":"service","name":"%s","state":"%s","active":"%s","by":"%s"}\n' "$u" "${st%%"$TAB"*}" "$a" "${st#*"$TAB"}"
  done
fi

if [ -n "$SUMS" ] && have sha256sum; then raw '{"t":"sha256"' "$(sha256sum -- $SUMS 2>/dev/null)"; fi

# The settings files read here: the lines that matter, from files only root can change.
if [ -n "$LREAD" ]; then
  out=''
  for l in $SETLINES; do has "$LREAD" "${l%%:*}" && out="$out$l$NL"; done
  fl=''
  for f in $LREAD; do fl="$fl,\"$f\""; done
  raw "{\"t\":\"lines\",\"files\":[${fl#,}]" "$out"
fi

# The rest, read through descriptors (its output is one framed record, written by perl itself).
if [ -n "$PERLREQ" ]; then
  for k in $KEYS; do PERLREQ="${PERLREQ}k$TAB$k$NL"; done
  printf '%s' "$PERLREQ" | perl -e "$NOFOLLOW" 2>/dev/null || unknown nofollow 'gather-nofollow.pl failed'
fi

FRAMED=''
HEAD=''
SIZED=''
for e in $STLIST; do
  f=${e%%"$TAB"*}
  has "$BUNDLE" "$f" || continue
  has "$SIZED" "$f" && continue
  SIZED="$SIZED$f$NL"
  n=${e##*"$TAB"}
  case $n in '' | *[!0-9]*) continue ;; esac
  if [ "$n" -gt $MAXCONTENT ]; then printf '{"t":"content_unknown","path":"%s","reason":"larger than 256 KiB (%s bytes)"}\n' "$f" "$n"; continue; fi
  FRAMED="$FRAMED$f$NL"
  HEAD="$HEAD,[\"$f\",$n]"
done
for f in $BUNDLE; do
  has "$SIZED" "$f" || printf '{"t":"content_unknown","path":"%s","reason":"size unknown (stat failed)"}\n' "$f"
done

# Last: the end record names the bundled files, and their bytes follow it up to the end of the output, so nothing in
# them is ever read as a record. cat replaces the shell, which saves a fork; a run cut short leaves some files short,
# which their sizes and sha256 reveal.
if [ -n "$FRAMED" ]; then
  printf '{"t":"end","bundle":[%s]}\n' "${HEAD#,}"
  exec cat -- $FRAMED 2>/dev/null
fi
printf '{"t":"end"}\n'
