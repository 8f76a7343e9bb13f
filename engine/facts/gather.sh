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
printf '{"t":"begin","v":2}\n'

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
METAS=''   # existing requested paths (and bundled files): one stat
SUMS=''    # regular files among them: one sha256sum
CONTENT='' # files whose bytes are shipped
SPACE=''   # sshd-style settings files, "base<TAB>file"
UNITS=''
SYSCTL=''  # "key<TAB>/proc/sys/…"
IFS=$NL
for line in $REQ; do
  IFS=$TAB
  set -- $line
  IFS=$NL
  kind=$1; a=${2-}; b=${3-}; c=${4-}
  case $kind in
    file | content | settings)
      case $a in /*) ;; *) unknown request 'path is not absolute'; continue ;; esac
      case $a in *[!A-Za-z0-9._@+,=/-]*) unknown request 'path has characters outside the allowed set'; continue ;; esac
      ;;
    service) case $a in '' | *[!A-Za-z0-9@._:-]*) unknown request 'unit name has characters outside the allowed set'; continue ;; esac ;;
    sysctl)
      case $a in '' | *[!A-Za-z0-9._/-]*) unknown request 'sysctl key has characters outside the allowed set'; continue ;; esac
      case $b in /proc/sys/*) ;; *) unknown request 'sysctl path is not under /proc/sys'; continue ;; esac
      case $b in *[!A-Za-z0-9._/-]* | */../* | */..) unknown request 'sysctl path has characters outside the allowed set'; continue ;; esac
      ;;
    *) unknown request 'unknown request kind'; continue ;;
  esac
  case $kind in
    file)
      has "$METAS" "$a" && continue
      if [ ! -e "$a" ] && [ ! -L "$a" ]; then printf '{"t":"file","path":"%s","exists":false}\n' "$a"; continue; fi
      printf '{"t":"file","path":"%s","exists":true}\n' "$a"
      METAS="$METAS$a$NL"
      if [ -f "$a" ]; then SUMS="$SUMS$a$NL"; fi
      ;;
    content) has "$CONTENT" "$a" || CONTENT="$CONTENT$a$NL" ;;
    settings)
      has "$CONTENT" "$a" || CONTENT="$CONTENT$a$NL"
      if [ "$b" = space ]; then
        case $c in /*) ;; *) c=/etc/ssh ;; esac
        case $c in *[!A-Za-z0-9._@+,=/-]*) c=/etc/ssh ;; esac
        has "$SPACE" "$c$TAB$a" || SPACE="$SPACE$c$TAB$a$NL"
      fi
      ;;
    service) has "$UNITS" "$a" || UNITS="$UNITS$a$NL" ;;
    sysctl) has "$SYSCTL" "$a$TAB$b" || SYSCTL="$SYSCTL$a$TAB$b$NL" ;;
  esac
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
for e in $SPACE; do
  f=${e#*"$TAB"}
  if [ -f "$f" ] && [ -r "$f" ] && ! has "$ARGS" "$f"; then ARGS="$ARGS$f$NL"; fi
done
for f in $UFILES; do has "$ARGS" "$f" || ARGS="$ARGS$f$NL"; done
GREPPED=''
if [ -n "$HAVE_GREP" ] && [ -n "$ARGS" ]; then GREPPED=$(grep -H '' -- $ARGS 2>/dev/null); fi
# Keep only lines that can matter, in one pass, since several loops below read the rest: sysctl values, and lines
# whose text starts with [ I i W R A U D . or a blank (sections, Include, [Install] keys) or ends with a backslash.
if [ -n "$GREPPED" ]; then
  kept=''
  for l in $GREPPED; do case $l in /proc/sys/* | *:[[IiWRAUD.\ \	]* | *\\) kept="$kept$l$NL" ;; esac; done
  GREPPED=$kept
fi

scan_includes

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
if [ -z "$HAVE_STAT" ] || [ -z "$HAVE_CAT" ]; then encoder || unknown contents 'neither stat and cat nor base64 available'; fi
BUNDLE='' # plain names of readable regular files (not links): one cat, framed by their stat sizes
SINGLE='' # the rest: one base64 each
for f in $CONTENT; do
  [ -f "$f" ] || continue
  if [ ! -r "$f" ]; then
    if plain "$f" || encoder; then printf '{"t":"content_unknown",%s,"reason":"not readable"}\n' "$(jpath path "$f")"; fi
  elif [ -n "$HAVE_STAT" ] && [ -n "$HAVE_CAT" ] && plain "$f" && [ ! -L "$f" ]; then
    BUNDLE="$BUNDLE$f$NL"
    has "$METAS" "$f" || METAS="$METAS$f$NL"
    has "$SUMS" "$f" || SUMS="$SUMS$f$NL"
  else SINGLE="$SINGLE$f$NL"; fi
done

ST=''
LINKGLOBS=''
if [ -n "$PENDING" ]; then unit_link_globs; fi
if [ -n "$HAVE_STAT" ]; then
  # One line per path: mode:size:type:owner:group:ctime:path (names from passwd and group never hold a colon), and
  # for links "path -> target". Globbing is on for the unit directories only: the other paths are plain.
  # /proc/self/ is stat's own process directory, made as stat looks it up: its ctime is the host's clock now, which
  # spares a date process.
  set +f
  ST=$(QUOTING_STYLE=literal stat -c '%a:%s:%F:%U:%G:%Z:%N' -- /proc/self/ $METAS $LINKGLOBS 2>/dev/null)
  set -f
  raw '{"t":"stat"' "$ST"
fi
case $ST in *:/proc/self/*) ;; *)
  NOW=''
  if have date; then NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null); fi
  case $NOW in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) printf '{"t":"time","value":"%s"}\n' "$NOW" ;; esac
  ;;
esac

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

FRAMED=''
HEAD=''
SIZED=''
for l in $ST; do
  # bundled names are plain (no colon): seven fields
  IFS=:
  set -- $l
  IFS=$NL
  [ $# -eq 7 ] || continue
  f=$7
  n=$2
  has "$BUNDLE" "$f" || continue
  has "$SIZED" "$f" && continue
  SIZED="$SIZED$f$NL"
  case $n in '' | *[!0-9]*) continue ;; esac
  if [ "$n" -gt $MAXCONTENT ]; then printf '{"t":"content_unknown","path":"%s","reason":"larger than 256 KiB (%s bytes)"}\n' "$f" "$n"; continue; fi
  FRAMED="$FRAMED$f$NL"
  HEAD="$HEAD,[\"$f\",$n]"
done
for f in $BUNDLE; do
  has "$SIZED" "$f" || printf '{"t":"content_unknown","path":"%s","reason":"size unknown (stat failed)"}\n' "$f"
done

for f in $SINGLE; do
  encoder || { plain "$f" && printf '{"t":"content_unknown","path":"%s","reason":"base64 not available"}\n' "$f"; continue; }
  n=''
  if have wc; then n=$(wc -c <"$f" 2>/dev/null); n=${n##* }; fi
  case $n in '' | *[!0-9]*) printf '{"t":"content_unknown",%s,"reason":"size unknown (neither stat nor wc)"}\n' "$(jpath path "$f")"; continue ;; esac
  if [ "$n" -gt $MAXCONTENT ]; then printf '{"t":"content_unknown",%s,"reason":"larger than 256 KiB (%s bytes)"}\n' "$(jpath path "$f")" "$n"; continue; fi
  printf '{"t":"content",%s,"data":"%s"}\n' "$(jpath path "$f")" "$(enc <"$f")"
done

# Last: the end record names the bundled files, and their bytes follow it up to the end of the output, so nothing in
# them is ever read as a record. cat replaces the shell, which saves a fork; a run cut short leaves some files short,
# which their sizes and sha256 reveal.
if [ -n "$FRAMED" ]; then
  printf '{"t":"end","bundle":[%s]}\n' "${HEAD#,}"
  exec cat -- $FRAMED 2>/dev/null
fi
printf '{"t":"end"}\n'
