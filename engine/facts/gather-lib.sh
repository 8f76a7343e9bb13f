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
        if [ -f "$mt" ] && ! has "$CONTENT" "$mt"; then CONTENT="$CONTENT$mt$NL"; fi
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
    fi
    NEXT=''
    for e in $LEVEL; do
      has "$SCANNED" "$e" && continue
      SCANNED="$SCANNED$e$NL"
      f=${e#*"$TAB"}
      [ -f "$f" ] && [ -r "$f" ] || continue
      cand=''
      if [ -n "$HAVE_GREP" ] && plain "$f"; then
        # A keyword starts its line, after blanks: cheap to rule out for most lines (comments, other keywords).
        for l in $LINES; do case $l in "$f:"[Ii]* | "$f:"[\ \	]*) cand="$cand${l#"$f:"}$NL" ;; esac; done
      else
        while IFS= read -r l || [ -n "$l" ]; do case $l in [Ii]* | [\ \	]*) cand="$cand$l$NL" ;; esac; done <"$f"
      fi
      if [ -n "$cand" ]; then includes_in "${e%%"$TAB"*}" "$f" "$cand"; fi
    done
    LEVEL=$NEXT
    depth=$((depth + 1))
  done
}
