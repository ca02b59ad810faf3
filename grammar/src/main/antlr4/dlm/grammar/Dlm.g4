grammar Dlm; program: EOF;
