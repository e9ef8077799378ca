#!/usr/bin/env zsh -f
# Prints the matches zsh's completion system offers for a command line, one per line.
# Usage: zsh-complete.zsh FPATH_DIR 'criu-atlas sc'
# An interactive zsh runs in a pseudo-terminal (zsh/zpty) with compinit over FPATH_DIR; compadd is
# wrapped to append every match it is given to a file, and a post-completion hook marks the end;
# TAB is sent after the line.
emulate -L zsh
zmodload zsh/zpty || exit 2
local dir=$1 line=$2 out=$(mktemp)
zpty comp zsh -f -i
zpty -w comp "PROMPT='' RPROMPT=''; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)out}.dump"
zpty -w comp "compadd() { local -a __m; builtin compadd -O __m \"\$@\" 2>/dev/null; (( \$#__m )) && print -l -- \$__m >> ${(q)out}; builtin compadd \"\$@\"; }"
zpty -w comp "zstyle ':completion:*' menu no; bindkey '^I' complete-word"
# after the completion pass: a last line that says it is over
zpty -w comp "__done() { print -- __END__ >> ${(q)out}; }; comppostfuncs=(__done)"
zpty -w -n comp "$line"$'\t'
# poll (up to 10 s) for the end of the completion pass
local i
for i in {1..100}; do grep -q '^__END__$' $out 2>/dev/null && break; sleep 0.1; done
zpty -d comp
grep -q '^__END__$' $out 2>/dev/null || { print -u2 "zsh-complete: no completion pass within 10 s"; rm -f $out $out.dump; exit 1; }
grep -v '^__END__$' $out | sort -u
rm -f $out $out.dump
