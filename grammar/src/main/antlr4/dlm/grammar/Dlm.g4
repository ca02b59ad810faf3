/*
 * The grammar of DLM, a small Kotlin-flavoured language for neural networks.
 *
 * Newlines. As in Kotlin, a newline ends a statement. The lexer emits every line break as an NL
 * token, and the compiler puts a small filter between lexer and parser
 * (dlm.compiler.parse.NewlineFilter) that drops the NLs which cannot end a statement:
 *   - NLs inside ( ) and [ ] (but not inside a { } nested in them: a lambda's body is statements);
 *   - NLs after a token that cannot end an expression: a binary or prefix operator, '=', ',',
 *     ':', '::', '->', '.', ';', '(', '[', '{';
 *   - NLs before a line starting with '.', '&&' or '||' (a method chain or condition continues);
 *   - runs of NLs (blank lines, comment-only lines) collapse to one; NLs at the start and the end
 *     of the file disappear.
 * The NLs that survive are statement separators, so this grammar only mentions NL in `semis`
 * and before the '{' of a declaration body (so that a body may start on the next line).
 * Doing this in a filter rather than with NL* sprinkled over the grammar (the way Kotlin's
 * official ANTLR grammar does it) keeps the rules readable, keeps NL out of the "expected ..."
 * sets that error messages are built from, and keeps prediction cheap.
 *
 * Expressions are written as one rule per precedence level (lowest first) rather than as one
 * left-recursive rule: no precedence predicates, plain SLL prediction, and each level's operators
 * are folded left-associatively by the AST builder.
 *
 * Lexical errors (unknown character, unterminated string or comment, bad escape) are ordinary
 * tokens that no parser rule accepts, so they reach the parser in source order and the first
 * problem in the file is the one reported, whether lexical or syntactic.
 */
grammar Dlm;

// ============================================================================================
// Parser
// ============================================================================================

/** A file: imports, declarations and statements separated by newlines or ';'. */
program
    : semis? (topItem (semis topItem)*)? semis? EOF
    ;

/** Imports are accepted anywhere here; the AST builder reports one after other items. */
topItem
    : importDecl
    | declaration
    | statement
    ;

importDecl
    : IMPORT IDENT (DOT IDENT)* (DOT STAR)?
    ;

declaration
    : funDecl
    | modelDecl
    | trainDecl
    ;

funDecl
    : FUN IDENT LPAREN params? RPAREN (COLON type)? functionBody
    ;

/** A block, or `= expression` (the AST builder wraps the latter in a block with one return). */
functionBody
    : NL* block
    | ASSIGN expression
    ;

modelDecl
    : MODEL IDENT LPAREN params? RPAREN NL* block
    ;

trainDecl
    : TRAIN LPAREN IDENT RPAREN NL* LBRACE semis? (setting (semis setting)*)? semis? RBRACE
    ;

setting
    : IDENT ASSIGN expression
    ;

params
    : param (COMMA param)* COMMA?
    ;

param
    : IDENT COLON type (ASSIGN expression)?
    ;

block
    : LBRACE statements RBRACE
    ;

statements
    : semis? (statement (semis statement)*)? semis?
    ;

/** Statement separators: newlines (those the filter kept) and semicolons. */
semis
    : (NL | SEMI)+
    ;

statement
    : VAL IDENT (COLON type)? ASSIGN expression          # valStatement
    | (PARAM | STATE) IDENT COLON type (ASSIGN expression)?   # paramStatement
    | RETURN expression                                  # returnStatement
    | IDENT ASSIGN expression                            # assignStatement
    | expression                                         # expressionStatement
    ;

// ---- types ---------------------------------------------------------------------------------

/**
 * `f32`, `f32[n, 28 * 28]`, `f32[]`, `Int`, `(f32, f32) -> f32`. Dtype names are not keywords
 * (so `f32(x)` may name a function); the AST builder tells dtypes from named types.
 */
type
    : IDENT (LBRACKET (expression (COMMA expression)* COMMA?)? RBRACKET)?    # simpleType
    | LPAREN (type (COMMA type)* COMMA?)? RPAREN ARROW type                  # functionType
    ;

// ---- expressions, lowest precedence first ----------------------------------------------------

expression
    : disjunction
    ;

disjunction
    : conjunction (OROR conjunction)*
    ;

conjunction
    : equality (ANDAND equality)*
    ;

equality
    : comparison ((EQEQ | NOTEQ) comparison)*
    ;

comparison
    : additive ((LT | GT | LE | GE) additive)*
    ;

additive
    : multiplicative ((PLUS | MINUS) multiplicative)*
    ;

/** `@` is the tensor product, at the level of `*` as in Python. */
multiplicative
    : prefixUnary ((STAR | SLASH | PERCENT | AT) prefixUnary)*
    ;

prefixUnary
    : (MINUS | PLUS | BANG) prefixUnary
    | postfixExpr
    ;

postfixExpr
    : primary postfixSuffix*
    ;

/**
 * A lambda suffix is a trailing lambda: `f(a) { ... }` adds it as the last argument of the call
 * just before it, `f { ... }` calls f with it (the AST builder does the merging, which keeps the
 * grammar free of the ambiguity of an optional lambda inside the call suffix).
 */
postfixSuffix
    : LPAREN arguments? RPAREN                           # callSuffix
    | lambda                                             # lambdaSuffix
    | DOT IDENT                                          # memberSuffix
    | LBRACKET indexItems RBRACKET                       # indexSuffix
    ;

arguments
    : argument (COMMA argument)* COMMA?
    ;

argument
    : (IDENT ASSIGN)? expression
    ;

indexItems
    : indexItem (COMMA indexItem)* COMMA?
    ;

/**
 * `x[i]`, `x[a:b]`, `x[a:b:c]`, `x[:]`, `x[::2]` (where `::` is one token). `x[::f]` is a slice
 * with step f, not an index by the function reference ::f (the slice alternatives come first).
 */
indexItem
    : lower=expression? COLON upper=expression? (COLON step=expression?)?    # sliceItem
    | lower=expression? COLONCOLON step=expression?                         # sliceStepItem
    | expression                                                            # atItem
    ;

primary
    : INT                                                # intLiteral
    | FLOAT                                              # floatLiteral
    | (TRUE | FALSE)                                     # boolLiteral
    | STRING                                             # stringLiteral
    | IDENT                                              # nameRef
    | COLONCOLON IDENT                                   # functionRef
    | lambda                                             # lambdaLiteral
    | LPAREN expression RPAREN                           # parenthesized
    | LBRACKET (expression (COMMA expression)* COMMA?)? RBRACKET               # listLiteral
    ;

/** `{ a, b -> stmts }` or `{ stmts }` (then the parameter is the implicit `it`). */
lambda
    : LBRACE (lambdaParams ARROW)? statements RBRACE
    ;

lambdaParams
    : lambdaParam (COMMA lambdaParam)*
    ;

lambdaParam
    : IDENT (COLON type)?
    ;

// ============================================================================================
// Lexer
// ============================================================================================

IMPORT : 'import' ;
FUN    : 'fun' ;
MODEL  : 'model' ;
TRAIN  : 'train' ;
VAL    : 'val' ;
PARAM  : 'param' ;
STATE  : 'state' ;
RETURN : 'return' ;
TRUE   : 'true' ;
FALSE  : 'false' ;

/** `1.5`, `1e-3`, `255f`, `1.5f`, `1e-3f`, `2F`; `.5` and `1.` are not numbers (`1.toF32()`). */
FLOAT
    : DIGITS '.' DIGITS EXPONENT? F_SUFFIX?
    | DIGITS EXPONENT F_SUFFIX?
    | DIGITS F_SUFFIX
    ;

/** `42`, `1_000`. */
INT : DIGITS ;

fragment DIGITS   : [0-9] ([0-9_]* [0-9])? ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
fragment F_SUFFIX : [fF] ;

/** A string literal; escapes `\n \t \r \" \\`. */
STRING : '"' STRING_CHAR* '"' ;

/** Error token: a string up to and including its first bad escape (longer than the others). */
BAD_ESCAPE_STRING : '"' STRING_CHAR* '\\' ~[ntr"\\\r\n] ;

/** Error token: a string cut off by the end of the line or of the file. */
UNTERMINATED_STRING : '"' STRING_CHAR* ;

fragment STRING_CHAR : ~["\\\r\n] | '\\' [ntr"\\] ;

/** A name; any text in backticks is one too, as in Kotlin (`hidden.W` names a param by its path). */
IDENT : [\p{L}_] [\p{L}\p{Nd}_]* | '`' ~[`\r\n]+ '`' ;

OROR       : '||' ;
ANDAND     : '&&' ;
EQEQ       : '==' ;
NOTEQ      : '!=' ;
LE         : '<=' ;
GE         : '>=' ;
LT         : '<' ;
GT         : '>' ;
ARROW      : '->' ;
COLONCOLON : '::' ;
ASSIGN     : '=' ;
PLUS       : '+' ;
MINUS      : '-' ;
STAR       : '*' ;
SLASH      : '/' ;
PERCENT    : '%' ;
AT         : '@' ;
BANG       : '!' ;
DOT        : '.' ;
COMMA      : ',' ;
COLON      : ':' ;
SEMI       : ';' ;
LPAREN     : '(' ;
RPAREN     : ')' ;
LBRACKET   : '[' ;
RBRACKET   : ']' ;
LBRACE     : '{' ;
RBRACE     : '}' ;

/** A line break; see the newline notes at the top. (A lone CR is turned into LF beforehand.) */
NL : '\r'? '\n' ;

/** Blanks; a byte-order mark (some editors put one at the start of the file) counts as one. */
WS : [ \t\f\r\uFEFF]+ -> skip ;

LINE_COMMENT : '//' ~[\r\n]* -> skip ;

/** Not nestable. The body never contains a star followed by a slash. */
BLOCK_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'+ '/' -> skip ;

/** Error token: a block comment still open at the end of the file. */
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF ;

/** Error token: any other character (one code point). */
ERROR_CHAR : . ;
