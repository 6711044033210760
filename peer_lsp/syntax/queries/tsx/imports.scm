; inherits: typescript
; Imports of TSX: the same as TypeScript.
