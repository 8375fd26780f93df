<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>Core</name>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>Crossfade</source>
        <translation>크로스페이드</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Bridge · {composer}</source>
        <translation>브리지 · {composer}</translation>
    </message>
    <message>
        <source>Mixing into {title} at the next bar…</source>
        <translation>다음 마디에서 {title}(으)로 환승 중…</translation>
    </message>
    <message>
        <source>{tonic} minor</source>
        <translation>{tonic} 단조</translation>
    </message>
    <message>
        <source>{tonic} major</source>
        <translation>{tonic} 장조</translation>
    </message>
    <message>
        <source>AI bridge</source>
        <translation>AI 브리지</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <source>rule bridge</source>
        <translation>규칙 브리지</translation>
    </message>
    <message>
        <source>rule</source>
        <translation>규칙</translation>
    </message>
    <message>
        <source>crossfade</source>
        <translation>크로스페이드</translation>
    </message>
    <message>
        <source>cut</source>
        <translation>바로 전환</translation>
    </message>
</context>
<context>
    <name>FlowOrder</name>
    <message>
        <source>Order for smooth flow needs at least {n} analysed songs</source>
        <extracomment>Fewer analysed songs than this have one order only (the playing one stays first). What came of it, for a notice: (text, error, undoable).</extracomment>
        <translation>매끄러운 흐름으로 정렬하려면 분석된 곡이 {n}곡 이상 필요합니다</translation>
    </message>
    <message>
        <source>Could not order the queue: {reason}</source>
        <translation>대기열을 정렬하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>The queue already flows as smoothly as it can (transition cost {cost})</source>
        <translation>대기열이 이미 가장 매끄럽게 흐릅니다 (전환 비용 {cost})</translation>
    </message>
    <message>
        <source>Transition cost {before} → {after} (−{percent} %)</source>
        <translation>전환 비용 {before} → {after} (−{percent}%)</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>NOW PLAYING</source>
        <translation>지금 재생 중</translation>
    </message>
    <message>
        <source>Nothing playing yet</source>
        <translation>아직 재생 중인 곡이 없습니다</translation>
    </message>
    <message>
        <source>Up next: {title} · {reason}</source>
        <translation>다음 곡: {title} · {reason}</translation>
    </message>
    <message>
        <source>Up next: {title}</source>
        <translation>다음 곡: {title}</translation>
    </message>
</context>
<context>
    <name>JoinRating</name>
    <message>
        <source>Rate the join</source>
        <translation>연결 평가</translation>
    </message>
    <message>
        <source>Rate this join {n} of 5</source>
        <translation>이 연결을 5점 중 {n}점으로 평가</translation>
    </message>
    <message>
        <source>Rate {n} of 5</source>
        <translation>5점 중 {n}점</translation>
    </message>
    <message>
        <source>Rated {n}</source>
        <translation>{n}점으로 평가함</translation>
    </message>
</context>
<context>
    <name>Library</name>
    <message>
        <source>Title</source>
        <translation>제목</translation>
    </message>
    <message>
        <source>Credit</source>
        <translation>아티스트</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>조성</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>템포</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>박자</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Broken</source>
        <extracomment>``Library.search``&apos;s sort column for each table column.</extracomment>
        <translation>손상됨</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>파일 없음</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <source>YOUR MUSIC</source>
        <extracomment>Queue these files and play the first. Queue these files at the end. Queue these files after the song playing. Queue this file and start a radio from it. A one-line notice for the window: (text, error).</extracomment>
        <translation>내 음악</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>라이브러리</translation>
    </message>
    <message>
        <source>Library folders</source>
        <translation>라이브러리 폴더</translation>
    </message>
    <message>
        <source>The folders the library indexes</source>
        <translation>라이브러리가 색인하는 폴더</translation>
    </message>
    <message>
        <source>Add folder to library…</source>
        <translation>라이브러리에 폴더 추가…</translation>
    </message>
    <message>
        <source>Add folder to library</source>
        <translation>라이브러리에 폴더 추가</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Remove the folder from the library</source>
        <translation>라이브러리에서 폴더 제거</translation>
    </message>
    <message>
        <source>Forget the selected folder (its files stay on disk)</source>
        <translation>선택한 폴더를 라이브러리에서 뺍니다 (파일은 디스크에 남습니다)</translation>
    </message>
    <message>
        <source>Search: title or credit</source>
        <translation>검색: 제목 또는 아티스트</translation>
    </message>
    <message>
        <source>Search the library</source>
        <translation>라이브러리 검색</translation>
    </message>
    <message>
        <source>Any key</source>
        <translation>모든 조성</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>조성</translation>
    </message>
    <message>
        <source>Only songs in this key</source>
        <translation>이 조성의 곡만</translation>
    </message>
    <message>
        <source>Slowest tempo</source>
        <translation>최저 템포</translation>
    </message>
    <message>
        <source>Fastest tempo</source>
        <translation>최고 템포</translation>
    </message>
    <message>
        <source>Any meter</source>
        <translation>모든 박자</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>박자</translation>
    </message>
    <message>
        <source>Only songs mostly in this meter</source>
        <translation>주로 이 박자인 곡만</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>템포</translation>
    </message>
    <message>
        <source>any</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <source>{name} (BPM; any: no limit)</source>
        <translation>{name} (BPM; 제한 없음: 한계를 두지 않음)</translation>
    </message>
    <message>
        <source>Could not read the library: {reason}</source>
        <translation>라이브러리를 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>1 song</source>
        <translation>1곡</translation>
    </message>
    <message>
        <source>{n} songs</source>
        <translation>{n}곡</translation>
    </message>
    <message>
        <source>1 folder</source>
        <translation>폴더 1개</translation>
    </message>
    <message>
        <source>{n} folders</source>
        <translation>폴더 {n}개</translation>
    </message>
    <message>
        <source>{n} broken</source>
        <translation>손상 {n}개</translation>
    </message>
    <message>
        <source>{n} missing</source>
        <translation>없는 파일 {n}개</translation>
    </message>
    <message>
        <source>{n} found</source>
        <translation>{n}개 찾음</translation>
    </message>
    <message>
        <source>Indexing… {done} / {total}</source>
        <translation>색인 중… {done} / {total}</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>색인 중…</translation>
    </message>
    <message>
        <source>{name}: {n} MIDI files indexed</source>
        <translation>{name}: MIDI 파일 {n}개 색인됨</translation>
    </message>
    <message>
        <source>Could not index the library: {reason}</source>
        <translation>라이브러리를 색인하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>대기열에 추가</translation>
    </message>
    <message>
        <source>Play next</source>
        <translation>다음에 재생</translation>
    </message>
    <message>
        <source>Start radio</source>
        <translation>라디오 시작</translation>
    </message>
</context>
<context>
    <name>LibraryTable</name>
    <message>
        <source>Library songs</source>
        <extracomment>Keystrokes and filter changes within this long make one search. The Worker priority of a search: above analysis further down the queue, below a join. The meters the meter filter offers. Column widths (0: shares the rest): title, credit, key, tempo, meter, length, status. The row Enter asked to play.</extracomment>
        <translation>라이브러리 곡</translation>
    </message>
    <message>
        <source>Enter plays the current song; the menu queues it, plays it next or starts a radio from it</source>
        <translation>Enter는 현재 곡을 재생합니다. 메뉴에서 대기열에 추가하거나, 다음에 재생하거나, 이 곡으로 라디오를 시작합니다</translation>
    </message>
    <message>
        <source>No songs here yet.
Add a folder of MIDI files to the library, or change the search.</source>
        <translation>아직 곡이 없습니다.
MIDI 파일 폴더를 라이브러리에 추가하거나 검색어를 바꾸세요.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Welcome to Smootify: the demo playlist is loaded. Press PLAY, or drop your own MIDI files here.</source>
        <extracomment>When the app plays at launch, the library is opened this long after (ms): the first song&apos;s analysis and the audio process start without it (0.3 s sooner to the first sound).</extracomment>
        <translation>Smootify에 오신 것을 환영합니다. 데모 재생목록을 불러왔습니다. 재생을 누르거나 MIDI 파일을 여기에 끌어다 놓으세요.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Add files…</source>
        <extracomment>Player events after which the state is saved (the position alone waits for the next periodic save). Ctrl+Up / Ctrl+Down change the volume by this many percent. Shift+Right / Shift+Left seek this many seconds. A change is on disk this long after it is made (several changes meanwhile: one write). While playing, the position is saved this often even when nothing else changes.</extracomment>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>Export as M3U8…</source>
        <translation>M3U8로 내보내기…</translation>
    </message>
    <message>
        <source>Export the mix…</source>
        <translation>믹스 내보내기…</translation>
    </message>
    <message>
        <source>Start listening test</source>
        <translation>청취 테스트 시작</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Adding… {n} songs so far</source>
        <translation>추가하는 중… 지금까지 {n}곡</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>추가하는 중…</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>파일 추가</translation>
    </message>
    <message>
        <source>MIDI files and playlists</source>
        <translation>MIDI 파일과 재생목록</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>모든 파일</translation>
    </message>
    <message>
        <source>Add folder</source>
        <translation>폴더 추가</translation>
    </message>
    <message>
        <source>Export queue</source>
        <translation>대기열 내보내기</translation>
    </message>
    <message>
        <source>M3U8 playlist</source>
        <translation>M3U8 재생목록</translation>
    </message>
    <message>
        <source>An export is already running</source>
        <translation>이미 내보내는 중입니다</translation>
    </message>
    <message>
        <source>WAV audio</source>
        <translation>WAV 오디오</translation>
    </message>
    <message>
        <source>FLAC audio</source>
        <translation>FLAC 오디오</translation>
    </message>
    <message>
        <source>MIDI file</source>
        <translation>MIDI 파일</translation>
    </message>
    <message>
        <source>Export the mix</source>
        <translation>믹스 내보내기</translation>
    </message>
    <message>
        <source>Queue exported to {name}</source>
        <translation>대기열을 {name}(으)로 내보냈습니다</translation>
    </message>
    <message>
        <source>Could not export the queue: {reason}</source>
        <translation>대기열을 내보내지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Queue cleared ({n} songs)</source>
        <translation>대기열을 비웠습니다 ({n}곡)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Play now (through a bridge)</source>
        <translation>지금 재생 (브리지로 연결)</translation>
    </message>
    <message>
        <source>Start radio</source>
        <translation>라디오 시작</translation>
    </message>
    <message>
        <source>Remove from queue</source>
        <translation>대기열에서 제거</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>음소거 해제</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>음소거</translation>
    </message>
    <message>
        <source>Could not read the listeners: {reason}</source>
        <translation>청취자 목록을 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Could not change the listeners: {reason}</source>
        <translation>청취자를 바꾸지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Could not move {name}&apos;s saved queue: {reason}</source>
        <translation>{name}의 저장된 재생 목록을 옮기지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Listening test started: the kind of each join is hidden; rate every join from the player bar</source>
        <translation>청취 테스트를 시작했습니다. 각 연결의 종류는 숨겨집니다. 재생 바에서 모든 연결을 평가하세요</translation>
    </message>
    <message>
        <source>Listening test stopped</source>
        <translation>청취 테스트를 멈췄습니다</translation>
    </message>
    <message>
        <source>Stop listening test</source>
        <translation>청취 테스트 멈춤</translation>
    </message>
    <message>
        <source>Could not store the rating: {reason}</source>
        <translation>평가를 저장하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>1 song</source>
        <translation>1곡</translation>
    </message>
    <message>
        <source>{n} songs</source>
        <translation>{n}곡</translation>
    </message>
    <message>
        <source>about {time} of music</source>
        <translation>약 {time} 분량</translation>
    </message>
    <message>
        <source>radio after the last song</source>
        <translation>마지막 곡 다음은 라디오</translation>
    </message>
    <message>
        <source>infinite mix</source>
        <translation>끝없는 믹스</translation>
    </message>
    <message>
        <source>stops at the end</source>
        <translation>끝에서 멈춤</translation>
    </message>
    <message>
        <source>analysing {n}…</source>
        <translation>{n}곡 분석 중…</translation>
    </message>
    <message>
        <source>Could not save the state to {folder} ({reason}); playing on without saving</source>
        <translation>상태를 {folder}에 저장하지 못했습니다 ({reason}). 저장하지 않고 계속 재생합니다</translation>
    </message>
</context>
<context>
    <name>MixExport</name>
    <message>
        <source>Planning the joins…</source>
        <translation>연결을 계획하는 중…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Export the mix</source>
        <translation>믹스 내보내기</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>Planning the joins… {done} of {total}</source>
        <translation>연결을 계획하는 중… {total}개 중 {done}개</translation>
    </message>
    <message>
        <source>Writing {name}… {percent}%</source>
        <translation>{name} 쓰는 중… {percent}%</translation>
    </message>
    <message>
        <source>Export cancelled</source>
        <translation>내보내기를 취소했습니다</translation>
    </message>
    <message>
        <source>Could not export the mix: {reason}</source>
        <translation>믹스를 내보내지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Mix exported to {name} ({time})</source>
        <translation>믹스를 {name}(으)로 내보냈습니다 ({time})</translation>
    </message>
</context>
<context>
    <name>MosChart</name>
    <message>
        <source>Mean opinion score chart</source>
        <translation>평균 의견 점수 차트</translation>
    </message>
    <message>
        <source>No ratings yet: rate joins from the player bar</source>
        <translation>아직 평가가 없습니다. 재생 바에서 연결을 평가하세요</translation>
    </message>
</context>
<context>
    <name>NoticeBanner</name>
    <message>
        <source>+{n} more</source>
        <extracomment>What waits: (text, error, action label, action).</extracomment>
        <translation>외 {n}개</translation>
    </message>
</context>
<context>
    <name>NowPlayingBar</name>
    <message>
        <source>Nothing playing</source>
        <translation>재생 중인 곡 없음</translation>
    </message>
    <message>
        <source>Previous (Ctrl+Left)</source>
        <translation>이전 곡 (Ctrl+←)</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>이전 곡</translation>
    </message>
    <message>
        <source>Play/Pause (Space)</source>
        <translation>재생/일시정지 (스페이스)</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>재생</translation>
    </message>
    <message>
        <source>Next: mix now (Ctrl+Right)</source>
        <translation>다음 곡: 지금 환승 (Ctrl+→)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>다음 곡</translation>
    </message>
    <message>
        <source>Seek (Shift+Left / Shift+Right: 5 seconds)</source>
        <translation>탐색 (Shift+← / Shift+→: 5초)</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>음소거</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>음량</translation>
    </message>
    <message>
        <source>Volume (Ctrl+Up / Ctrl+Down)</source>
        <translation>음량 (Ctrl+↑ / Ctrl+↓)</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>일시정지 (스페이스)</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>재생 (스페이스)</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시정지</translation>
    </message>
</context>
<context>
    <name>PianoRoll</name>
    <message>
        <source>Drums</source>
        <translation>드럼</translation>
    </message>
    <message>
        <source>Piano</source>
        <translation>피아노</translation>
    </message>
    <message>
        <source>Guitar</source>
        <translation>기타</translation>
    </message>
    <message>
        <source>Bass</source>
        <translation>베이스</translation>
    </message>
    <message>
        <source>Strings</source>
        <translation>현악</translation>
    </message>
    <message>
        <source>Piano roll</source>
        <translation>피아노 롤</translation>
    </message>
    <message>
        <source>The notes playing now; bridges are highlighted</source>
        <translation>지금 연주되는 음표. 브리지는 강조되어 표시됩니다</translation>
    </message>
    <message>
        <source>Press PLAY: the piano roll follows the music</source>
        <translation>재생을 누르면 피아노 롤이 음악을 따라갑니다</translation>
    </message>
    <message>
        <source>BRIDGE · {composer}</source>
        <translation>브리지 · {composer}</translation>
    </message>
    <message>
        <source>BRIDGE</source>
        <translation>브리지</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <source>Who&apos;s listening?</source>
        <translation>누가 듣고 있나요?</translation>
    </message>
    <message>
        <source>Ratings of joins are stored for the listener chosen here.</source>
        <extracomment>(&quot;add&quot;, name, colour), (&quot;rename&quot;, old name, new name), (&quot;delete&quot;, name)</extracomment>
        <translation>연결 평가는 여기에서 고른 청취자의 것으로 저장됩니다.</translation>
    </message>
    <message>
        <source>Listeners</source>
        <translation>청취자</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>이름 바꾸기…</translation>
    </message>
    <message>
        <source>Rename the listener selected</source>
        <translation>선택한 청취자 이름 바꾸기</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>삭제…</translation>
    </message>
    <message>
        <source>Delete the listener selected</source>
        <translation>선택한 청취자 삭제</translation>
    </message>
    <message>
        <source>Rename listener</source>
        <translation>청취자 이름 바꾸기</translation>
    </message>
    <message>
        <source>New name for {name}:</source>
        <translation>{name}의 새 이름:</translation>
    </message>
    <message>
        <source>A listener needs a name</source>
        <translation>청취자 이름이 필요합니다</translation>
    </message>
    <message>
        <source>At most {n} characters</source>
        <translation>최대 {n}자</translation>
    </message>
    <message>
        <source>A listener called {name} already exists</source>
        <translation>{name} 청취자가 이미 있습니다</translation>
    </message>
    <message>
        <source>Delete listener</source>
        <translation>청취자 삭제</translation>
    </message>
    <message>
        <source>Delete {name}? Their ratings of joins, listening tests included, and their saved queue are deleted too.</source>
        <translation>{name}을(를) 삭제할까요? 청취 테스트를 포함한 연결 평가와 저장된 재생 목록도 함께 삭제됩니다.</translation>
    </message>
    <message>
        <source>New listener&apos;s name</source>
        <translation>새 청취자 이름</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>색…</translation>
    </message>
    <message>
        <source>New listener&apos;s colour</source>
        <translation>새 청취자 색</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>Add the listener</source>
        <translation>청취자 추가</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>기본</translation>
    </message>
    <message>
        <source>Listener&apos;s colour</source>
        <translation>청취자 색</translation>
    </message>
</context>
<context>
    <name>Queue</name>
    <message>
        <source>Title</source>
        <translation>제목</translation>
    </message>
    <message>
        <source>Credit</source>
        <translation>아티스트</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>템포</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>조성</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>Analysing…</source>
        <translation>분석 중…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>준비됨</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
</context>
<context>
    <name>QueuePage</name>
    <message>
        <source>PLAYLIST</source>
        <translation>재생목록</translation>
    </message>
    <message>
        <source>Your playlist</source>
        <translation>내 재생목록</translation>
    </message>
    <message>
        <source>PLAY</source>
        <translation>재생</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>재생</translation>
    </message>
    <message>
        <source>SHUFFLE PLAY</source>
        <translation>셔플 재생</translation>
    </message>
    <message>
        <source>Shuffle play</source>
        <translation>셔플 재생</translation>
    </message>
    <message>
        <source>Shuffle (off restores the original order)</source>
        <translation>셔플 (끄면 원래 순서로 돌아갑니다)</translation>
    </message>
    <message>
        <source>Shuffle</source>
        <translation>셔플</translation>
    </message>
    <message>
        <source>Order for smooth flow: the order with the smoothest joins (the song playing stays first when it is at the top)</source>
        <translation>매끄러운 흐름으로 정렬: 연결이 가장 매끄러운 순서로 바꿉니다 (재생 중인 곡이 맨 위에 있으면 그대로 첫 곡입니다)</translation>
    </message>
    <message>
        <source>Order for smooth flow</source>
        <translation>매끄러운 흐름으로 정렬</translation>
    </message>
    <message>
        <source>Repeat: continue from the top</source>
        <translation>반복: 처음부터 계속 재생</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>반복</translation>
    </message>
    <message>
        <source>Add files (Ctrl+O)</source>
        <translation>파일 추가 (Ctrl+O)</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>파일 추가</translation>
    </message>
    <message>
        <source>Export the queue as M3U8</source>
        <translation>대기열을 M3U8로 내보내기</translation>
    </message>
    <message>
        <source>Clear the queue</source>
        <translation>대기열 비우기</translation>
    </message>
    <message>
        <source>Filter: title, credit, key</source>
        <translation>필터: 제목, 아티스트, 조성</translation>
    </message>
    <message>
        <source>Show only the songs that match (Ctrl+F)</source>
        <translation>일치하는 곡만 표시 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Filter the queue</source>
        <translation>대기열 필터</translation>
    </message>
    <message>
        <source>PAUSE</source>
        <translation>일시정지</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시정지</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <source>Your playlist is empty.
Drop MIDI files, folders or M3U playlists here, or use Add files (Ctrl+O).</source>
        <extracomment>The row Enter asked to play.</extracomment>
        <translation>재생목록이 비어 있습니다.
MIDI 파일, 폴더 또는 M3U 재생목록을 여기에 끌어다 놓거나 파일 추가(Ctrl+O)를 사용하세요.</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>대기열</translation>
    </message>
    <message>
        <source>The songs in play order. Enter plays the current song; Delete removes the selected ones</source>
        <translation>재생 순서대로 나열된 곡. Enter 키는 현재 곡을 재생하고 Delete 키는 선택한 곡을 제거합니다</translation>
    </message>
</context>
<context>
    <name>RatingsPage</name>
    <message>
        <source>Smart</source>
        <translation>스마트</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>무작위</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>LISTENING TEST</source>
        <translation>청취 테스트</translation>
    </message>
    <message>
        <source>Join ratings</source>
        <translation>연결 평가</translation>
    </message>
    <message>
        <source>All ratings</source>
        <translation>모든 평가</translation>
    </message>
    <message>
        <source>Listening tests</source>
        <translation>청취 테스트</translation>
    </message>
    <message>
        <source>Everyday listening</source>
        <translation>평소 감상</translation>
    </message>
    <message>
        <source>Which ratings</source>
        <translation>어떤 평가</translation>
    </message>
    <message>
        <source>Which ratings the results count</source>
        <translation>결과에 포함할 평가</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV로 내보내기…</translation>
    </message>
    <message>
        <source>Export the ratings as CSV</source>
        <translation>평가를 CSV로 내보내기</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>방식</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>MOS</source>
        <translation>평균 점수</translation>
    </message>
    <message>
        <source>± SD</source>
        <translation>± 표준편차</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>평가 수</translation>
    </message>
    <message>
        <source>Mean opinion scores</source>
        <translation>평균 의견 점수</translation>
    </message>
    <message>
        <source>Could not read the ratings: {reason}</source>
        <translation>평가를 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>1 rating</source>
        <translation>평가 1개</translation>
    </message>
    <message>
        <source>{n} ratings</source>
        <translation>평가 {n}개</translation>
    </message>
    <message>
        <source>listening test running: {name}</source>
        <translation>청취 테스트 진행 중: {name}</translation>
    </message>
    <message>
        <source>no listening test running</source>
        <translation>진행 중인 청취 테스트 없음</translation>
    </message>
    <message>
        <source>Export the ratings</source>
        <translation>평가 내보내기</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV 파일</translation>
    </message>
    <message>
        <source>Could not export the ratings: {reason}</source>
        <translation>평가를 내보내지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>{n} ratings exported to {name}</source>
        <translation>평가 {n}개를 {name}(으)로 내보냈습니다</translation>
    </message>
</context>
<context>
    <name>SeekSlider</name>
    <message>
        <source>Seek</source>
        <extracomment>The keys&apos; steps: arrows 5 s, Page Up/Down 30 s.</extracomment>
        <translation>탐색</translation>
    </message>
    <message>
        <source>Position in the song; arrow keys move 5 seconds</source>
        <translation>곡 안의 위치. 화살표 키로 5초씩 이동합니다</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>AI bridge (composed by the model)</source>
        <translation>AI 브리지 (모델이 작곡)</translation>
    </message>
    <message>
        <source>Crossfade (A fades out while B fades in)</source>
        <translation>크로스페이드 (A가 작아지며 B가 커짐)</translation>
    </message>
    <message>
        <source>Straight cut (no bridge)</source>
        <translation>바로 전환 (브리지 없음)</translation>
    </message>
    <message>
        <source>Repeat (or stop when Repeat is off)</source>
        <translation>반복 (반복이 꺼져 있으면 멈춤)</translation>
    </message>
    <message>
        <source>Radio: play on with songs that join well</source>
        <translation>라디오: 잘 이어지는 곡으로 계속 재생</translation>
    </message>
    <message>
        <source>Smart (harmony, rhythm, key, phrase)</source>
        <translation>스마트 (화성, 리듬, 조성, 악구)</translation>
    </message>
    <message>
        <source>Pitch-class similarity (JSD)</source>
        <translation>음높이 분포 유사도 (JSD)</translation>
    </message>
    <message>
        <source>Rhythm alignment (DTW)</source>
        <translation>리듬 정렬 (DTW)</translation>
    </message>
    <message>
        <source>Random bars</source>
        <translation>무작위 마디</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Shipped: MuseScore General Lite</source>
        <translation>기본 제공: MuseScore General Lite</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Soundfont</source>
        <translation>사운드폰트</translation>
    </message>
    <message>
        <source>Transition</source>
        <translation>곡 전환</translation>
    </message>
    <message>
        <source>Mix points</source>
        <translation>믹스 지점</translation>
    </message>
    <message>
        <source>Play every song to its end (off: mix at the best bars)</source>
        <translation>모든 곡을 끝까지 재생 (끄면 가장 어울리는 마디에서 믹스)</translation>
    </message>
    <message>
        <source>Song length</source>
        <translation>곡 길이</translation>
    </message>
    <message>
        <source>At the end of the queue</source>
        <translation>대기열이 끝나면</translation>
    </message>
    <message>
        <source>At the end of the queue, continue from the top</source>
        <translation>대기열이 끝나면 처음부터 계속 재생</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>반복</translation>
    </message>
    <message>
        <source>Show a desktop notification when the song changes (not while Smootify is the active window)</source>
        <translation>곡이 바뀌면 데스크톱 알림 표시 (Smootify 창이 활성 상태일 때는 제외)</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Changes apply to the next transition.</source>
        <translation>변경 사항은 다음 곡 전환부터 적용됩니다.</translation>
    </message>
    <message>
        <source>Choose a soundfont</source>
        <translation>사운드폰트 선택</translation>
    </message>
    <message>
        <source>SoundFonts</source>
        <translation>사운드폰트</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>모든 파일</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Home</source>
        <extracomment>Column widths of the queue table; 0: title and credit share the rest. The &quot;#&quot; column is sized from the font (room for &quot;10000&quot;), see :func:`queue_table`.</extracomment>
        <translation>홈</translation>
    </message>
    <message>
        <source>Your playlist</source>
        <translation>내 재생목록</translation>
    </message>
    <message>
        <source>Join ratings</source>
        <translation>연결 평가</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>라이브러리</translation>
    </message>
    <message>
        <source>LIBRARY</source>
        <translation>라이브러리</translation>
    </message>
    <message>
        <source>Who&apos;s listening? Ratings are stored for this listener</source>
        <translation>누가 듣고 있나요? 평가는 이 청취자의 것으로 저장됩니다</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>기본</translation>
    </message>
    <message>
        <source>Listener: {name}</source>
        <translation>청취자: {name}</translation>
    </message>
    <message>
        <source>Audio: silent clock (no device)</source>
        <translation>오디오: 무음 시계 (장치 없음)</translation>
    </message>
    <message>
        <source>Audio: {name}</source>
        <translation>오디오: {name}</translation>
    </message>
</context>
</TS>
