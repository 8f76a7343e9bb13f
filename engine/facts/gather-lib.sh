# Helpers of gather.sh (which sets LC_ALL, IFS, TAB, NL, WS and MAXCONTENT before calling any of them). This file
# only defines functions, so that it can come first in the script that is sent.

have() { command -v "$1" >/dev/null 2>&1; }
unknown() { printf '{"t":"unknown","fact":"%s","reason":"%s"}\n' "$1" "$2"; }
# A word is safe to put into JSON as is when it has none of: quote, backslash, control characters.
word() { case $1 in '' | *[!A-Za-z0-9._:@+~=,/%\|\ \(\)-]*) return 1 ;; esac; return 0; }
# A path safe in JSON, in a newline-split argument list and in "path:line" output: absolute, no colon, no blank.
plain() { case $1 in /*) ;; *) return 1 ;; esac; case $1 in *[!A-Za-z0-9._@+,=/-]*) return 1 ;; esac; return 0; }
# The same for Include patterns, which may also hold * ? [ ].
gplain() { case $1 in /*) ;; *) return 1 ;; esac; case $1 in *[!]A-Za-z0-9._@+,=/*?[-]*) return 1 ;; esac; return 0; }
# Lists are newline-terminated items. has LIST ITEM
has() { case $NL$1 in *"$NL$2$NL"*) return 0 ;; esac; return 1; }
count() { n=0; for i in $1; do n=$((n + 1)); done; }
# Captured tool output, preceded by its length; with LC_ALL=C, ${#} counts bytes in dash and busybox sh alike.
raw() { printf '%s,"len":%s}\n%s\n' "$1" "${#2}" "$2"; }

ENC=unset
encoder() { # base64 is only needed for what has no safe frame: probed once, on first need
  if [ "$ENC" = unset ]; then
    ENC=''
    if have base64; then
      if base64 -w 0 </dev/null >/dev/null 2>&1; then ENC=w0; elif have tr; then ENC=tr; fi
    fi
  fi
  [ -n "$ENC" ]
}
enc() { if [ "$ENC" = w0 ]; then base64 -w 0; else base64 | tr -d '\n'; fi; }
# A path as a JSON member: "key":"/plain/path", else "key64":"<base64>" (callers have checked encoder).
jpath() { if plain "$2"; then printf '"%s":"%s"' "$1" "$2"; else printf '"%s64":"%s"' "$1" "$(printf '%s' "$2" | enc)"; fi; }

# --- settings files: only the lines of the keys asked for (and Include/Match) leave the host ---
ALPHA=aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ
ci() { # CI: a case pattern matching $1 in any letter case (sshd keywords), from the pairs in ALPHA
  CI=''
  s=$1
  while [ -n "$s" ]; do
    ch=${s%"${s#?}"}
    s=${s#?}
    case $ch in
      [a-z]) r=${ALPHA#*"$ch"}; CI="$CI[$ch${r%"${r#?}"}]" ;;
      [A-Z]) r=${ALPHA%"$ch"*}; CI="$CI[${r#"${r%?}"}$ch]" ;;
      *) CI="$CI$ch" ;;
    esac
  done
}
# SETTOP: "file<TAB>settings file it belongs to<TAB>syntax" for every settings file and Include match read plainly;
# KPAT: "settings file<TAB>pattern" for its keys. setline keeps a "file:line" line of grep's when it sets a key asked
# for (the first word, in any case for sshd, followed by a blank, = or nothing) or is an Include or Match line.
setline() {
  sf=${1%%:*}
  case $NL$SETTOP in *"$NL$sf$TAB"*) ;; *) return 0 ;; esac
  st=''
  for se in $SETTOP; do case $se in "$sf$TAB"*) st=${se#*"$TAB"}; break ;; esac; done
  sy=${st#*"$TAB"}
  st=${st%%"$TAB"*}
  sl=${1#*:}
  sl=${sl#"${sl%%[! $TAB]*}"}
  case $sl in '' | \#* | \;*) return 0 ;; esac
  if [ "$sy" = space ]; then
    case $sl in [Ii][Nn][Cc][Ll][Uu][Dd][Ee] | [Ii][Nn][Cc][Ll][Uu][Dd][Ee][\ \	=]* | [Mm][Aa][Tt][Cc][Hh] | [Mm][Aa][Tt][Cc][Hh][\ \	=]*) SETLINES="$SETLINES$1$NL"; return 0 ;; esac
  fi
  for se in $KPAT; do
    case $se in "$st$TAB"*) ;; *) continue ;; esac
    kp=${se#*"$TAB"}
    case $sl in $kp | $kp[\ \	=]*) SETLINES="$SETLINES$1$NL"; return 0 ;; esac
  done
  return 0
}
# The settings file whose keys a (redacted) file's lines are read for, in RT; false when $1 is not read redacted.
rtop() { RT=''; for re in $RFILES; do case $re in "$1$TAB"*) RT=${re#*"$TAB"}; return 0 ;; esac; done; return 1; }
# DIRS: every directory above $1 (plain paths), for the stat call that tells whether only root can change them.
ancestors() {
  d=${1%/*}
  while [ -n "$d" ]; do
    has "$DIRS" "$d" && return 0
    DIRS="$DIRS$d$NL"
    d=${d%/*}
  done
}
# Whether only root can change what $1 resolves to: every directory above it is one, owned by uid 0, writable by
# neither group nor others (UNTRUSTED lists those that are not, from the stat listing). Outside such a tree another
# user can swap a directory for a link between a check and a read: those files are read by gather-nofollow.pl.
trusted() {
  [ -n "$HAVE_STAT" ] || return 1
  has "$UNTRUSTED" / && return 1
  d=${1%/*}
  while [ -n "$d" ]; do
    has "$UNTRUSTED" "$d" && return 1
    d=${d%/*}
  done
  return 0
}
# The stat listing's line for $1 (from STLIST, "path<TAB>type<TAB>size"), in SF (type) and SZ; false when absent.
statof() {
  case $NL$STLIST in *"$NL$1$TAB"*) ;; *) return 1 ;; esac
  for so in $STLIST; do case $so in "$1$TAB"*) so=${so#*"$TAB"}; SF=${so%%"$TAB"*}; SZ=${so#*"$TAB"}; return 0 ;; esac; done
  return 1
}

# sshd-style Include: every pattern is globbed (relative ones against the base), reported, and its matches shipped
# and scanned in turn, level by level, up to 8 levels deep.
glob_record() { # $1 file, $2 pattern, $3 matches (a list)
  all=1
  for mt in $3; do plain "$mt" || all=''; done
  if [ -n "$all" ] && plain "$1" && gplain "$2"; then
    ms=''
    for mt in $3; do ms="$ms,\"$mt\""; done
    printf '{"t":"glob","file":"%s","pattern":"%s","matches":[%s]}\n' "$1" "$2" "${ms#,}"
  elif encoder; then
    ms=''
    for mt in $3; do ms="$ms,\"$(printf '%s' "$mt" | enc)\""; done
    printf '{"t":"glob","file64":"%s","pattern64":"%s","matches64":[%s]}\n' "$(printf '%s' "$1" | enc)" "$(printf '%s' "$2" | enc)" "${ms#,}"
  fi
}
includes_in() { # $1 base, $2 file, $3 its lines that may be Include lines; adds the matches to NEXT
  ibase=$1; ifile=$2
  for l in $3; do
    IFS=$WS
    set -- $l
    IFS=$NL
    case ${1-} in [Ii][Nn][Cc][Ll][Uu][Dd][Ee]) shift ;; *) continue ;; esac
    for pat; do
      case $pat in \#*) break ;; /*) full=$pat ;; *) full="$ibase/$pat" ;; esac
      list=''
      set +f
      for mt in $full; do if [ -e "$mt" ]; then list="$list$mt$NL"; fi; done
      set -f
      glob_record "$ifile" "$full" "$list"
      for mt in $list; do
        if [ -f "$mt" ]; then
          # An included file is read for the keys of the settings file that led to it, redacted when that one is.
          if rtop "$ifile"; then has "$RFILES" "$mt$TAB$RT" || RFILES="$RFILES$mt$TAB$RT$NL"
          else
            for ie in $SETTOP; do case $ie in "$ifile$TAB"*) ie=${ie#*"$TAB"}; has "$SETTOP" "$mt$TAB$ie" || SETTOP="$SETTOP$mt$TAB$ie$NL"; break ;; esac; done
          fi
        fi
        has "$NEXT" "$ibase$TAB$mt" || NEXT="$NEXT$ibase$TAB$mt$NL"
      done
    done
  done
}
# Scans the sshd-style settings files (SPACE), then level by level the files their Include lines match.
scan_includes() {
  LEVEL=$SPACE
  LINES=$GREPPED
  SCANNED=''
  depth=0
  while [ -n "$LEVEL" ] && [ $depth -le 8 ]; do
    if [ $depth -gt 0 ] && [ -n "$HAVE_GREP" ]; then
      ARGS=''
      for e in $LEVEL; do
        f=${e#*"$TAB"}
        if plain "$f" && [ -f "$f" ] && [ -r "$f" ] && ! has "$ARGS" "$f"; then ARGS="$ARGS$f$NL"; fi
      done
      LINES=''
      if [ -n "$ARGS" ]; then LINES=$(grep -H '' -- $ARGS 2>/dev/null); fi
      for l in $LINES; do setline "$l"; done
    fi
    NEXT=''
    for e in $LEVEL; do
      has "$SCANNED" "$e" && continue
      SCANNED="$SCANNED$e$NL"
      f=${e#*"$TAB"}
      [ -f "$f" ] && [ -r "$f" ] && [ ! -L "$f" ] || continue
      cand=''
      if [ -n "$HAVE_GREP" ] && plain "$f"; then
        # A keyword starts its line, after blanks: cheap to rule out for most lines (comments, other keywords).
        for l in $LINES; do case $l in "$f:"[Ii]* | "$f:"[\ \	]*) cand="$cand${l#"$f:"}$NL" ;; esac; done
      else
        while IFS= read -r l || [ -n "$l" ]; do
          plain "$f" && setline "$f:$l"
          case $l in [Ii]* | [\ \	]*) cand="$cand$l$NL" ;; esac
        done <"$f"
      fi
      if [ -n "$cand" ]; then includes_in "${e%%"$TAB"*}" "$f" "$cand"; fi
    done
    LEVEL=$NEXT
    depth=$((depth + 1))
  done
}
