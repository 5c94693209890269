/* shellquote.h - POSIX shell quoting for copy-paste output.
 *
 * shell_quote() appends WORD so that bash, dash and zsh read it back as
 * exactly one word with exactly these bytes: unquoted when every byte is in
 * [A-Za-z0-9_@%+=:,./-] (and it does not start with '=' or '-'... '-' is
 * fine for the shell; '=' is zsh's =cmd expansion), else in single quotes
 * with each ' written as '\''.  The empty word becomes ''. */
#ifndef WS_SHELLQUOTE_H
#define WS_SHELLQUOTE_H

struct strbuf;

void shell_quote(struct strbuf *sb, const char *word);
/* 1 when WORD needs no quoting. */
int shell_word_is_plain(const char *word);

#endif
