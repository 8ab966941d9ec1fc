package handler

import "sync"

// writeMu serialises update, findAndModify and delete, so a filter's match and the write that follows are atomic
// with respect to each other (TIPS Town CRM build; see scripts/build-ferretdb.sh).
var writeMu sync.Mutex
