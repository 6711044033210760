; Imports of C#: `using` directives (static, alias and global ones too), not `using` statements.

(using_directive) @import
