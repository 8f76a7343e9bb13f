# Plumbline facts, one round trip: run by `sh -c` on the host, the request on standard input, JSON Lines on
# standard output (one object per line; format in engine/facts/README.md). POSIX sh only: it must work with
# dash and busybox sh. Every tool is optional: a missing one turns its fact into an "unknown" record, never an
# abort. Request values are data: they are checked against a character set, always quoted, never evaluated.
# Multi-line or foreign text (files, tool output) travels base64-encoded; single words are checked and sent as is.

LC_ALL=C
export LC_ALL
set -f
TAB=$(printf '\t')
NL='
'
MAXCONTENT=262144

have() { command -v "$1" >/dev/null 2>&1; }
unknown() { printf '{"t":"unknown","fact":"%s","reason":"%s"}\n' "$1" "$2"; }
# A word is safe to put into JSON as is when it has none of: quote, backslash, control characters.
word() { case $1 in '' | *[!A-Za-z0-9._:@+~=,/%\|\ \(\)-]*) return 1 ;; esac; return 0; }

ENC=''
if have base64; then
  if base64 -w 0 </dev/null >/dev/null 2>&1; then ENC=w0; elif have tr; then ENC=tr; fi
fi
enc() { if [ "$ENC" = w0 ]; then base64 -w 0; else base64 | tr -d '\n'; fi; }

# The request, read whole before anything else runs: later commands must not eat it.
REQ=''
while IFS= read -r line || [ -n "$line" ]; do REQ="$REQ$line$NL"; done
exec </dev/null

NOW=''
if have date; then NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null); fi
case $NOW in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) printf '{"t":"begin","v":1,"time":"%s","enc":"%s"}\n' "$NOW" "$ENC" ;; *) printf '{"t":"begin","v":1,"time":null,"enc":"%s"}\n' "$ENC" ;; esac

# --- operating system, kernel, architecture ---
OSR=''
for f in /etc/os-release /usr/lib/os-release; do if [ -r "$f" ]; then OSR=$f; break; fi; done
if [ -z "$OSR" ]; then unknown os 'no readable /etc/os-release'
elif [ -z "$ENC" ]; then unknown os 'base64 not available'
else printf '{"t":"os","data":"%s"}\n' "$(enc <"$OSR")"; fi

if have uname; then
  v=$(uname -r 2>/dev/null); if word "$v"; then printf '{"t":"kernel","value":"%s"}\n' "$v"; else unknown kernel 'uname -r gave no usable answer'; fi
  m=$(uname -m 2>/dev/null); if word "$m"; then printf '{"t":"machine","value":"%s"}\n' "$m"; fi
else unknown kernel 'uname not installed'; fi

# --- packages (dpkg) ---
if have dpkg-query; then
  a=$(dpkg --print-architecture 2>/dev/null); if word "$a"; then printf '{"t":"dpkg_arch","value":"%s"}\n' "$a"; fi
  if [ -z "$ENC" ]; then unknown packages 'base64 not available'
  else
    # ${source:Package} needs dpkg >= 1.21; older ones fall back to the raw Source field.
    out=$(dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n' 2>/dev/null) && fmt=source || {
      out=$(dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${Source}\n' 2>/dev/null) && fmt=legacy
    } || fmt=''
    if [ -n "$fmt" ]; then printf '{"t":"packages","format":"%s","data":"%s"}\n' "$fmt" "$(printf '%s\n' "$out" | enc)"
    else unknown packages 'dpkg-query failed (unreadable package database?)'; fi
  fi
elif have rpm; then printf '{"t":"platform","value":"rpm"}\n'; unknown packages 'rpm hosts are not supported yet'
else unknown packages 'dpkg-query not installed'; fi

# --- request: files, contents, settings, services, sysctl ---
[ -n "$ENC" ] || unknown contents 'base64 not available'
SEEN="$NL"
emit_content() { # $1 path; sends the content once per path, when it is a small readable regular file
  case $SEEN in *"$NL$1$NL"*) return ;; esac
  SEEN="$SEEN$1$NL"
  [ -f "$1" ] && [ -n "$ENC" ] || return
  p=$(printf '%s' "$1" | enc)
  if [ ! -r "$1" ]; then printf '{"t":"content_unknown","path":"%s","reason":"not readable"}\n' "$p"; return; fi
  n=''
  if have wc; then n=$(wc -c <"$1" 2>/dev/null); n=${n##* }; fi
  case $n in '' | *[!0-9]*) printf '{"t":"content_unknown","path":"%s","reason":"size unknown (wc missing)"}\n' "$p"; return ;; esac
  if [ "$n" -gt "$MAXCONTENT" ]; then printf '{"t":"content_unknown","path":"%s","reason":"larger than 256 KiB (%s bytes)"}\n' "$p" "$n"; return; fi
  printf '{"t":"content","path":"%s","data":"%s"}\n' "$p" "$(enc <"$1")"
}

# sshd-style Include lines: every pattern is globbed relative to $BASE, reported, and followed (depth-limited).
scan_includes() { # $1 file, $2 depth
  [ "$2" -gt 8 ] && return
  [ -f "$1" ] && [ -r "$1" ] || return
  while read -r kw rest || [ -n "$kw" ]; do
    case $kw in [Ii][Nn][Cc][Ll][Uu][Dd][Ee]) ;; *) continue ;; esac
    for pat in $rest; do
      case $pat in \#*) break ;; /*) full=$pat ;; *) full="$BASE/$pat" ;; esac
      list=''
      set +f
      for m in $full; do [ -e "$m" ] && list="$list,\"$(printf '%s' "$m" | enc)\""; done
      set -f
      printf '{"t":"glob","file":"%s","pattern":"%s","matches":[%s]}\n' "$(printf '%s' "$1" | enc)" "$(printf '%s' "$full" | enc)" "${list#,}"
      set +f
      for m in $full; do
        set -f
        if [ -e "$m" ]; then emit_content "$m"; scan_includes "$m" $(($2 + 1)); fi
        set +f
      done
      set -f
    done
  done <"$1"
}

file_meta() { # $1 path
  if [ ! -e "$1" ] && [ ! -L "$1" ]; then printf '{"t":"file","path":"%s","exists":false}\n' "$1"; return; fi
  st=''
  if have stat; then st=$(stat -c '%F|%a|%U|%G|%s' -- "$1" 2>/dev/null); fi
  sum=''
  if [ -f "$1" ] && have sha256sum; then sum=$(sha256sum -- "$1" 2>/dev/null); sum=${sum%% *}; fi
  case $sum in *[!0-9a-f]*) sum='' ;; esac
  if word "$st"; then printf '{"t":"file","path":"%s","exists":true,"stat":"%s","sha256":"%s"}\n' "$1" "$st" "$sum"
  else printf '{"t":"file","path":"%s","exists":true,"stat":null,"sha256":"%s"}\n' "$1" "$sum"; fi
}

unit_state() { # $1 unit; enabled | disabled | masked | static | alias | not-found …, without a running systemd
  if have systemctl; then
    # Reads unit files and links only, so it answers without a running systemd (containers, chroots).
    s=$(systemctl --root=/ is-enabled -- "$1" 2>/dev/null)
    s=${s%%"$NL"*}
    case $s in enabled | enabled-runtime | linked | linked-runtime | alias | masked | masked-runtime | static | indirect | disabled | generated | transient) echo "$s"; return ;; esac
  fi
  for d in /etc/systemd/system /run/systemd/system; do
    if [ -L "$d/$1" ] && [ "$d/$1" -ef /dev/null ]; then echo masked; return; fi
  done
  file=''
  tmpl=''
  case $1 in *@*.*) tmpl="${1%%@*}@.${1##*.}" ;; esac
  for d in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    if [ -f "$d/$1" ]; then file="$d/$1"; break; fi
    if [ -n "$tmpl" ] && [ -f "$d/$tmpl" ]; then file="$d/$tmpl"; break; fi
  done
  if [ -z "$file" ]; then echo not-found; return; fi
  set +f
  for w in /etc/systemd/system/*.wants/"$1" /etc/systemd/system/*.requires/"$1"; do
    if [ -L "$w" ]; then set -f; echo enabled; return; fi
  done
  set -f
  case $file in /etc/systemd/system/* | /run/systemd/system/*)
    if [ -L "$file" ]; then echo alias; return; fi ;;
  esac
  inst=''
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in WantedBy=* | RequiredBy=* | Alias=* | Also=* | UpheldBy=*) inst=1 ;; esac
  done <"$file"
  if [ -z "$inst" ]; then echo static; else echo disabled; fi
}

unit_active() { # $1 unit; only a running systemd knows
  if [ -d /run/systemd/system ] && have systemctl; then
    a=$(systemctl is-active -- "$1" 2>/dev/null)
    a=${a%%"$NL"*}
    case $a in active | inactive | failed | activating | deactivating | reloading) echo "$a"; return ;; esac
  fi
  echo unknown
}

sysctl_value() { # $1 key, $2 /proc/sys path
  if [ ! -d /proc/sys ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"no /proc/sys"}\n' "$1"; return; fi
  if [ ! -e "$2" ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"no such key"}\n' "$1"; return; fi
  if [ ! -r "$2" ]; then printf '{"t":"sysctl","key":"%s","value":null,"reason":"not readable"}\n' "$1"; return; fi
  # Not the read builtin: dash reads byte by byte, and many /proc/sys files answer only the first read.
  if have cat; then v=$(cat -- "$2" 2>/dev/null) || v=''
  elif have sysctl; then v=$(sysctl -n -- "$1" 2>/dev/null) || v=''
  else printf '{"t":"sysctl","key":"%s","value":null,"reason":"neither cat nor sysctl installed"}\n' "$1"; return; fi
  set -- "$1" $v
  k=$1; shift; v="$*"
  if [ -z "$v" ] || word "$v"; then printf '{"t":"sysctl","key":"%s","value":"%s"}\n' "$k" "$v"
  else printf '{"t":"sysctl","key":"%s","value":null,"reason":"unexpected characters"}\n' "$k"; fi
}

OLDIFS=" $TAB$NL"
IFS=$NL
for line in $REQ; do
  IFS=$TAB
  set -- $line
  IFS=$OLDIFS
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
    file) file_meta "$a" ;;
    content) emit_content "$a" ;;
    settings)
      emit_content "$a"
      if [ "$b" = space ] && [ -n "$ENC" ]; then
        case $c in /*) BASE=$c ;; *) BASE=/etc/ssh ;; esac
        case $BASE in *[!A-Za-z0-9._@+,=/-]*) BASE=/etc/ssh ;; esac
        scan_includes "$a" 0
      fi
      ;;
    service) printf '{"t":"service","name":"%s","state":"%s","active":"%s"}\n' "$a" "$(unit_state "$a")" "$(unit_active "$a")" ;;
    sysctl) sysctl_value "$a" "$b" ;;
  esac
done

# --- listening sockets ---
if have ss; then
  if [ -z "$ENC" ]; then unknown listening 'base64 not available'
  else
    out=$(ss -H -t -u -l -n -p 2>/dev/null) || out=$(ss -t -u -l -n 2>/dev/null) || out='__fail__'
    if [ "$out" = __fail__ ]; then unknown listening 'ss failed'
    else printf '{"t":"listening","data":"%s"}\n' "$(printf '%s\n' "$out" | enc)"; fi
  fi
else unknown listening 'ss not installed'; fi

# --- reboot, uptime ---
if [ -e /run/reboot-required ]; then
  pk=''
  if [ -r /run/reboot-required.pkgs ] && [ -n "$ENC" ]; then pk=$(enc </run/reboot-required.pkgs); fi
  printf '{"t":"reboot","required":true,"pkgs":"%s"}\n' "$pk"
else printf '{"t":"reboot","required":false,"pkgs":""}\n'; fi

up=''
if [ -r /proc/uptime ]; then read -r up rest </proc/uptime; fi
case $up in '' | *[!0-9.]*) unknown uptime 'no readable /proc/uptime' ;; *) printf '{"t":"uptime","seconds":"%s"}\n' "$up" ;; esac

printf '{"t":"end"}\n'
