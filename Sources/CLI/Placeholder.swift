package func _placeholder() {}
